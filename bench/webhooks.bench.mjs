// Webhooks, measured through a whole Zpanel stack (the built API and worker, started here with an
// environment of their own) on the test server, each figure beside a baseline measured in the same
// run (docs/testing.md "Benchmarks"):
//   a. signed GitHub push -> deployment row `queued`, over 200 deliveries sent one after another
//      (each verified, matched, logged and queued): target p99 under 50 ms; the 202 reply time too;
//   b. signed push -> the worker claims the deployment and starts it, over 200 deliveries sent one at
//      a time (each cancelled once started): target p99 under 150 ms. The worker notices a cancel
//      within a second, and an application runs one deployment at a time, so the deliveries take
//      turns among a few applications (each its own repository): while one measures, the previous
//      ones wind down, and an application's next delivery waits until its last deployment ended.
//      BENCH_WEBHOOK_START_APPS=1 measures with nothing else in flight (about 1.3 s a delivery).
// The baseline is a round trip to the API's /api/health at the same time. Nothing here passes or
// fails on speed: the table says whether each target was met.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { ms, progress } from './bench-figures.mjs';

const require = createRequire(import.meta.url);
// @zpanel/testing compiled by scripts/bench.sh: the same stack, fixtures and payloads as the e2e tests.
const testing = require('../dist/bench/libs/server/testing/src');

const QUEUED_DELIVERIES = Number(process.env.BENCH_WEBHOOK_DELIVERIES ?? 200);
const STARTED_DELIVERIES = Number(process.env.BENCH_WEBHOOK_STARTS ?? 200);
const START_APPS = Math.max(1, Number(process.env.BENCH_WEBHOOK_START_APPS ?? 4));

// What the Jest global setup gives a test run: a run id, the admin database, a Redis prefix, a key.
testing.setUpBenchEnvironment();

const quantile = (values, q) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const p50p99 = (values) => `${ms(quantile(values, 0.5))} / ${ms(quantile(values, 0.99))}`;

async function main() {
  const loadBefore = loadavg()[0];
  const stack = await testing.startStack({ worker: true, env: { NODE_ENV: 'production', LOG_LEVEL: 'warn' } });
  const repos = [];
  try {
    const { asOwner } = await testing.lastingOwner(stack);
    progress('stack up; validating the test server');
    const server = await testing.readyTestServer(asOwner);
    /** An application built from a repository of its own, with its webhook secret. */
    const target = async (name) => {
      const { repo, head, app } = await testing.createGitApplication(asOwner, server.id, name, testing.sampleAppFiles('bench'), { name });
      repos.push(repo);
      const secret = (await asOwner('POST', `/api/v1/applications/${app.id}/webhook-secret`)).body.webhookSecret;
      return { repo, head, secret };
    };
    const targets = [await target('bench-hooks')];
    for (let i = 1; i < START_APPS; i += 1) targets.push(await target(`bench-hooks-${i}`));

    const deliver = async ({ repo, head, secret } = targets[0]) => {
      const body = JSON.stringify(
        testing.pushPayload('github', { repoUrl: repo.url, branch: repo.branch, after: head, message: `bench ${randomUUID()}` }),
      );
      const headers = testing.webhookHeaders('github', body, secret);
      const sent = Date.now();
      const res = await fetch(`${stack.baseUrl}/webhooks/github`, { method: 'POST', headers, body });
      const receipt = await res.json();
      const replied = Date.now();
      const deploymentId = receipt.deliveries?.[0]?.deploymentId;
      if (res.status !== 202 || !deploymentId) throw new Error(`delivery not accepted: ${res.status} ${JSON.stringify(receipt)}`);
      return { sent, replyMs: replied - sent, deploymentId };
    };
    const deployment = async (id) => (await asOwner('GET', `/api/v1/deployments/${id}`)).body;
    const finished = (id) =>
      testing.waitFor(
        async () => (['queued', 'running'].includes((await deployment(id)).status) ? undefined : true),
        120_000,
        `deployment ${id} to end`,
      );

    // a. Back to back: each delivery supersedes the previous one while it is still queued.
    const replyMs = [];
    const queuedMs = [];
    const sent = [];
    for (let i = 1; i <= QUEUED_DELIVERIES; i += 1) {
      const d = await deliver();
      replyMs.push(d.replyMs);
      sent.push(d);
      if (i % 50 === 0) progress(`queued: ${i}/${QUEUED_DELIVERIES} deliveries`);
    }
    for (const d of sent) queuedMs.push(Date.parse((await deployment(d.deploymentId)).createdAt) - d.sent);
    for (const d of sent) await asOwner('POST', `/api/v1/deployments/${d.deploymentId}/cancel`);
    for (const d of sent) await finished(d.deploymentId);

    // b. One at a time: delivery -> claimed and started by the worker, the applications taking turns.
    const startedMs = [];
    const startsBegan = Date.now();
    const windingDown = new Map();
    for (let i = 1; i <= STARTED_DELIVERIES; i += 1) {
      const turn = (i - 1) % targets.length;
      if (windingDown.has(turn)) await finished(windingDown.get(turn));
      const d = await deliver(targets[turn]);
      const row = await testing.waitFor(
        async () => {
          const current = await deployment(d.deploymentId);
          return current.startedAt ? current : undefined;
        },
        60_000,
        'the deployment to start',
      );
      startedMs.push(Date.parse(row.startedAt) - d.sent);
      await asOwner('POST', `/api/v1/deployments/${d.deploymentId}/cancel`);
      windingDown.set(turn, d.deploymentId);
      if (i % 20 === 0) progress(`started: ${i}/${STARTED_DELIVERIES} deliveries`);
    }
    for (const id of windingDown.values()) await finished(id);
    const startsSeconds = (Date.now() - startsBegan) / 1000;

    const healthMs = [];
    for (let i = 0; i < 200; i += 1) {
      const started = performance.now();
      await fetch(`${stack.baseUrl}/api/health`).then((r) => r.arrayBuffer());
      healthMs.push(performance.now() - started);
    }

    const rows = [
      [
        `a. push -> row queued p50 / p99 (${QUEUED_DELIVERIES})`,
        p50p99(queuedMs),
        `/api/health ${p50p99(healthMs)}`,
        'p99 < 50 ms',
        ms(quantile(queuedMs, 0.99)),
        quantile(queuedMs, 0.99) < 50,
      ],
      ['   push -> 202 reply p50 / p99', p50p99(replyMs), '', '(information)', '', null],
      [
        `b. push -> build start p50 / p99 (${STARTED_DELIVERIES})`,
        p50p99(startedMs),
        '',
        'p99 < 150 ms',
        ms(quantile(startedMs, 0.99)),
        quantile(startedMs, 0.99) < 150,
      ],
    ];
    console.log(
      `webhooks on the test server (${QUEUED_DELIVERIES} back-to-back deliveries; ${STARTED_DELIVERIES} one at a time to ${targets.length} application${targets.length === 1 ? '' : 's'} in turn, ${startsSeconds.toFixed(0)} s)`,
    );
    console.log(`machine: ${cpus().length} CPUs, load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`);
    const widths = [46, 22, 30, 14, 10];
    console.log(['figure', 'Zpanel', 'baseline (same run)', 'target', 'measured'].map((h, i) => h.padEnd(widths[i])).join(' ') + ' met');
    for (const [name, value, baseline, target, measured, met] of rows) {
      console.log(
        [name, value, baseline, target, measured].map((c, i) => c.padEnd(widths[i])).join(' ') + ` ${met === null ? '' : met ? 'yes' : 'NO'}`,
      );
    }
  } finally {
    for (const repo of repos) await repo.close();
    await stack.stop();
    await testing.deleteRedisKeys(process.env.REDIS_PREFIX);
  }
}

await main();
