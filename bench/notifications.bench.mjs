// Notifications, measured through a whole Zpanel stack (the built API and worker, started here with an
// environment of their own): 200 events of kind deployment.failed recorded the way the worker records
// them (the event row, then its fan-out job, as Notifier does) to a team with one
// generic webhook channel pointing at a local receiver on 127.0.0.1 (docs/notifications.md "Delivery").
// Figures: event recorded -> message received by the receiver, p50 / p99 (target p99 < 1 s), beside the
// enqueue latency of the same run (the row's insert plus the fan-out job's enqueue, what the recording
// run waits for). Twice: spaced by BENCH_NOTIFICATION_GAP_MS (default 50), then back to back (a burst);
// BENCH_NOTIFICATION_EVENTS changes the count. Nothing here passes or fails on speed: the table says whether the target was met.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { ms, progress } from './bench-figures.mjs';

const require = createRequire(import.meta.url);
// Compiled by scripts/bench.sh: the same stack and receivers as the e2e tests, the entities and
// repositories the stack's database holds, and the worker build's enqueue helpers.
const testing = require('../dist/bench/libs/server/testing/src');
const core = require('../dist/bench/libs/server/core/src');
const database = require('../dist/bench/libs/server/database/src');
const databaseTesting = require('../dist/bench/libs/server/database/src/testing');
const queueLib = require('../dist/apps/worker/libs/server/queue/src');
const { Queue } = require('bullmq');
const { DataSource } = require('typeorm');

const EVENTS = Number(process.env.BENCH_NOTIFICATION_EVENTS ?? 200);
const GAP_MS = Number(process.env.BENCH_NOTIFICATION_GAP_MS ?? 50);
const TARGET_P99_MS = 1_000;

testing.setUpBenchEnvironment();

const quantile = (values, q) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const p50p99 = (values) => `${ms(quantile(values, 0.5))} / ${ms(quantile(values, 0.99))}`;

async function main() {
  const loadBefore = loadavg()[0];
  const stack = await testing.startStack({ worker: true, env: { NODE_ENV: 'production', LOG_LEVEL: 'warn' } });
  const receiver = await testing.HttpReceiver.start();
  const dataSource = new DataSource(database.buildDataSourceOptions(stack.databaseUrl, 'notifications-bench'));
  const config = core.loadConfig(stack.env);
  const queue = new Queue('notifications', queueLib.bullConnection(config));
  try {
    await dataSource.initialize();
    const { teamId } = await testing.createOwner(stack.baseUrl);
    const box = new core.SecretBox(config.security.secretKey);
    await databaseTesting.seedNotificationChannel(dataSource, box, teamId, {
      kind: 'webhook',
      name: 'bench hook',
      settings: { url: receiver.url('/bench') },
      secrets: { signingSecret: core.newSigningSecret() },
      events: ['deployment.failed'],
    });
    progress(`stack up; ${EVENTS} events to the receiver`);

    const receivedAt = new Map();
    receiver.respond = (request) => {
      receivedAt.set(JSON.parse(request.body).id, Date.now());
      return { status: 204 };
    };
    const events = new database.NotificationEventsRepository(dataSource.manager);
    const producer = { enqueue: async (name, payload, options) => (await queue.add(name, payload, options)).id };

    // A warm-up event: connections, prepared plans and the worker's first job are not what is measured.
    const warm = await events.record({ teamId, kind: 'deployment.failed', severity: 'error', title: 'warm-up', message: 'warm-up' });
    await queueLib.enqueueNotificationFanout(producer, warm.id);
    await testing.waitFor(async () => (receivedAt.has(warm.id) ? true : undefined), 30_000, 'the warm-up message');

    // Two runs of EVENTS each: spaced (a new event every GAP_MS, default 50 ms = 20 a second, already far
    // above what an instance's deployments and alerts make), which measures each event's own way
    // through; then back to back, which measures how fast a burst is drained (events wait their turn).
    const rows = [];
    for (const gap of [GAP_MS, 0]) {
      const recordedAt = new Map();
      const enqueueMs = [];
      const began = Date.now();
      for (let i = 1; i <= EVENTS; i += 1) {
        const started = Date.now();
        const t0 = performance.now();
        const event = await events.record({
          teamId,
          kind: 'deployment.failed',
          severity: 'error',
          title: `Deployment ${i} of api failed`,
          message: 'The build failed: exit code 1 at step 4 of 9.',
          url: `/deployments/${randomUUID()}`,
          data: { commit: 'abc1234', reason: 'build.failed' },
        });
        await queueLib.enqueueNotificationFanout(producer, event.id);
        enqueueMs.push(performance.now() - t0);
        recordedAt.set(event.id, started);
        if (gap) await new Promise((resolve) => setTimeout(resolve, gap));
      }
      await testing.waitFor(
        async () => ([...recordedAt.keys()].every((id) => receivedAt.has(id)) ? true : undefined),
        120_000,
        `all ${EVENTS} messages to arrive`,
        50,
      );
      const seconds = (Date.now() - began) / 1000;
      const latency = [...recordedAt].map(([id, at]) => receivedAt.get(id) - at);
      // Where the time went, from the rows (the database's clock is this machine's): recorded -> fanned out.
      const fanned = await dataSource.query(
        `SELECT "id", extract(epoch from "fanned_out_at") * 1000 AS "at" FROM "notification_events" WHERE "id" = ANY($1::uuid[])`,
        [[...recordedAt.keys()]],
      );
      const fanoutMs = fanned.map((row) => Number(row.at) - recordedAt.get(row.id));
      rows.push({ label: gap ? `every ${gap} ms` : 'back to back', latency, enqueueMs, fanoutMs, seconds });
      progress(`${rows.at(-1).label}: ${EVENTS} received in ${seconds.toFixed(1)} s`);
    }

    console.log(
      `notifications: ${EVENTS} deployment.failed events -> one generic webhook channel -> a receiver on 127.0.0.1, spaced then back to back`,
    );
    console.log(`machine: ${cpus().length} CPUs, load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`);
    const widths = [44, 22, 34, 14, 10];
    console.log(['figure', 'Zpanel', 'baseline (same run)', 'target', 'measured'].map((h, i) => h.padEnd(widths[i])).join(' ') + ' met');
    for (const row of rows) {
      const p99 = quantile(row.latency, 0.99);
      console.log(
        [
          `event -> received p50 / p99, ${row.label}`,
          p50p99(row.latency),
          `record + enqueue ${p50p99(row.enqueueMs)}`,
          `p99 < ${ms(TARGET_P99_MS)}`,
          ms(p99),
        ]
          .map((c, i) => c.padEnd(widths[i]))
          .join(' ') + ` ${p99 < TARGET_P99_MS ? 'yes' : 'NO'}`,
      );
      console.log(
        [`  of which event -> fanned out`, p50p99(row.fanoutMs), `${(EVENTS / row.seconds).toFixed(0)} events/s in all`, '(information)']
          .map((c, i) => c.padEnd(widths[i]))
          .join(' '),
      );
    }
  } finally {
    await queue.close();
    if (dataSource.isInitialized) await dataSource.destroy();
    await receiver.close();
    await stack.stop();
    await testing.deleteRedisKeys(process.env.REDIS_PREFIX);
  }
}

await main();
