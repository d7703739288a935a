// Soak: a whole Zpanel stack (the built API and worker) under steady use, watching what grows:
//   a redeploy every BENCH_SOAK_REDEPLOY_SECONDS (60) of the sample app on the test server,
//   BENCH_SOAK_CLIENTS (20) socket clients following the team's events and each deployment's log,
//   and a UI poll a second (system status, applications, deployments), for BENCH_SOAK_MINUTES (3).
// Every BENCH_SOAK_SAMPLE_SECONDS (30) it samples the stack's Redis keys and their memory (its own
// prefix only: the Redis may be shared), the API's and the worker's RSS, and the rows of every table
// of the stack's database. The report gives each figure at the start and the end and its growth per
// hour over the whole run and over its second half: a bounded figure levels off (second half near 0).
// A short default for `npm run bench`; run longer for a real soak, e.g.
//   BENCH_SOAK_MINUTES=60 node bench/soak.bench.mjs   (after scripts/bench.sh built dist/bench once)
// Nothing passes or fails here: the figures are for reading.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { progress } from './bench-figures.mjs';

const require = createRequire(import.meta.url);
const testing = require('../dist/bench/libs/server/testing/src');
const Redis = require('ioredis');
const { Client } = require('pg');

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 3);
const REDEPLOY_SECONDS = Number(process.env.BENCH_SOAK_REDEPLOY_SECONDS ?? 60);
const CLIENTS = Number(process.env.BENCH_SOAK_CLIENTS ?? 20);
const SAMPLE_SECONDS = Number(process.env.BENCH_SOAK_SAMPLE_SECONDS ?? 30);
const HEALTH_CHECK = { type: 'http', path: '/', startPeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 2, retries: 15 };

// What the Jest global setup gives a test run: a run id, the admin database, a Redis prefix, a key.
testing.setUpBenchEnvironment('soak');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The stack's keys (its prefix only) and the bytes Redis says each takes. */
async function redisFigures(redis, prefix) {
  let keys = 0;
  let bytes = 0;
  const kinds = {};
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      keys += 1;
      bytes += (await redis.memory('USAGE', key)) ?? 0;
      // The key's kind without ids: prefix:<queue>:<what> or prefix:live:<topic kind>.
      const kind = key
        .slice(prefix.length + 1)
        .split(':')
        .slice(0, 2)
        .map((part) => (/[0-9a-f]{8}-|^\d+$|^repeat$/.test(part) ? '*' : part))
        .join(':');
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
  } while (cursor !== '0');
  return { keys, bytes, kinds };
}

function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

async function rowCounts(databaseUrl) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const counts = {};
    for (const { table_name: table } of rows)
      counts[table] = Number((await client.query(`SELECT count(*) AS n FROM "${table.replace(/"/g, '""')}"`)).rows[0].n);
    return counts;
  } finally {
    await client.end();
  }
}

async function main() {
  const loadBefore = loadavg()[0];
  const stack = await testing.startStack({ worker: true, env: { NODE_ENV: 'production', LOG_LEVEL: 'warn' } });
  const redis = new Redis(process.env.REDIS_URL);
  const sockets = [];
  let repo;
  let stopping = false;
  try {
    const { owner, asOwner } = await testing.lastingOwner(stack);
    progress('stack up; validating the test server');
    const server = await testing.readyTestServer(asOwner);
    const made = await testing.createGitApplication(asOwner, server.id, 'soak', testing.sampleAppFiles('soak'), {
      name: 'soak',
      healthCheck: HEALTH_CHECK,
      stopGraceSeconds: 1,
      keepImages: 2,
    });
    repo = made.repo;
    const { app } = made;

    progress(`connecting ${CLIENTS} socket clients`);
    for (let i = 0; i < CLIENTS; i += 1) sockets.push(await testing.connectEvents(stack.baseUrl, owner.accessToken));
    await Promise.all(sockets.map((socket) => testing.liveSubscribe(socket, { kind: 'team', teamId: owner.teamId })));

    const deploy = async () => {
      const queued = await testing.queueDeployment(asOwner, app.id);
      // Every client follows the new deployment's log, as an open deployment page would.
      const subscriptions = await Promise.all(
        sockets.map((socket) => testing.liveSubscribe(socket, { kind: 'deployment-logs', deploymentId: queued.id })),
      );
      const done = await testing.deploymentFinished(asOwner, queued.id, 180_000);
      // A connection holds at most 50 subscriptions: give this one back, as a page left behind would.
      subscriptions.forEach((sub, i) => sockets[i].emit('live:unsubscribe', sub.subscriptionId));
      if (done.status !== 'success') throw new Error(`deployment ${queued.id} ended ${done.status}: ${done.reason}`);
    };
    progress('first deployment (fills the build cache)');
    await deploy();

    // The UI's polling: the system status, the applications list and the deployments of the app, each second.
    let polls = 0;
    const poller = (async () => {
      while (!stopping) {
        await Promise.all([
          asOwner('GET', '/api/v1/system/status'),
          asOwner('GET', '/api/v1/applications'),
          asOwner('GET', `/api/v1/applications/${app.id}/deployments`),
        ]).catch(() => undefined);
        polls += 1;
        await sleep(1_000);
      }
    })();
    let deployments = 1;
    let failedDeployments = 0;
    const deployer = (async () => {
      while (!stopping) {
        const started = Date.now();
        await deploy().then(
          () => (deployments += 1),
          (error) => {
            failedDeployments += 1;
            progress(`deployment failed: ${error.message}`);
          },
        );
        const wait = REDEPLOY_SECONDS * 1000 - (Date.now() - started);
        for (let left = wait; left > 0 && !stopping; left -= 500) await sleep(Math.min(500, left));
      }
    })();

    const samples = [];
    const sample = async () => {
      const figures = await redisFigures(redis, stack.redisPrefix);
      const rows = await rowCounts(stack.databaseUrl);
      samples.push({ at: Date.now(), ...figures, apiRss: rssBytes(stack.api.child.pid), workerRss: rssBytes(stack.worker.child.pid), rows });
      const last = samples[samples.length - 1];
      progress(
        `${((last.at - samples[0].at) / 60_000).toFixed(1)} min: ${last.keys} keys, ${(last.bytes / 1024).toFixed(0)} KiB in Redis, API ${(last.apiRss / 2 ** 20).toFixed(0)} MiB, worker ${(last.workerRss / 2 ** 20).toFixed(0)} MiB, ${deployments} deployments`,
      );
    };
    progress(`soaking for ${MINUTES} min: a redeploy every ${REDEPLOY_SECONDS} s, ${CLIENTS} clients, a UI poll a second`);
    const end = Date.now() + MINUTES * 60_000;
    await sample();
    while (Date.now() < end) {
      await sleep(Math.min(SAMPLE_SECONDS * 1000, end - Date.now()));
      await sample();
    }
    stopping = true;
    await Promise.all([poller, deployer]);

    // The report: first and last sample, growth per hour over the run and over its second half.
    const first = samples[0];
    const last = samples[samples.length - 1];
    const middle = samples[Math.floor((samples.length - 1) / 2)];
    const perHour = (from, to, pick) => (pick(to) - pick(from)) / ((to.at - from.at) / 3_600_000);
    const totalRows = (s) => Object.values(s.rows).reduce((a, b) => a + b, 0);
    const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
    const count = (n) => Math.round(n).toLocaleString('en-US');
    const figures = [
      ['Redis keys (stack prefix)', (s) => s.keys, count],
      ['Redis memory (stack keys, MEMORY USAGE)', (s) => s.bytes, kib],
      ['API RSS', (s) => s.apiRss, mib],
      ['worker RSS', (s) => s.workerRss, mib],
      ['Postgres rows (all tables)', totalRows, count],
    ];
    const minutes = (last.at - first.at) / 60_000;
    console.log(
      `soak: ${minutes.toFixed(1)} min, ${deployments} deployments (${failedDeployments} failed), ${CLIENTS} clients, ${polls} UI polls, ${samples.length} samples`,
    );
    console.log(`machine: ${cpus().length} CPUs, load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`);
    const widths = [42, 14, 14, 18, 22];
    console.log(['figure', 'start', 'end', 'growth / hour', 'second half / hour'].map((h, i) => h.padEnd(widths[i])).join(' '));
    for (const [name, pick, format] of figures) {
      const all = perHour(first, last, pick);
      const half = middle.at < last.at ? perHour(middle, last, pick) : 0;
      console.log(
        [
          name,
          format(pick(first)),
          format(pick(last)),
          `${all >= 0 ? '+' : '-'}${format(Math.abs(all))}`,
          `${half >= 0 ? '+' : '-'}${format(Math.abs(half))}`,
        ]
          .map((c, i) => c.padEnd(widths[i]))
          .join(' '),
      );
    }
    const grown = Object.keys(last.rows)
      .map((table) => [table, last.rows[table] - (first.rows[table] ?? 0)])
      .filter(([, delta]) => delta !== 0)
      .sort((a, b) => b[1] - a[1]);
    console.log(`rows added per table: ${grown.map(([table, delta]) => `${table} ${delta >= 0 ? '+' : ''}${delta}`).join(', ') || 'none'}`);
    console.log(
      `Redis keys by kind at the end: ${Object.entries(last.kinds)
        .sort((a, b) => b[1] - a[1])
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ')}`,
    );
  } finally {
    stopping = true;
    for (const socket of sockets) socket.disconnect();
    await repo?.close();
    await stack.stop();
    await testing.deleteRedisKeys(process.env.REDIS_PREFIX);
    redis.disconnect();
  }
}

await main();
