// A lost worker, measured with two workers on the test server through a whole Zpanel stack (the built
// API and two workers, production run-lease settings): a deployment is mid-build on one worker, the
// next deployment of the same application is queued behind it; the worker running the build is killed
// (SIGKILL). Figures: how long until its deployment is failed ("worker lost", its application freed),
// and until the queued deployment starts on the surviving worker. Target: the loss detected within
// 15 s (before the run lease: 71 s, a 60 s heartbeat window). Nothing here passes or fails on speed.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { progress } from './bench-figures.mjs';

const require = createRequire(import.meta.url);
const testing = require('../dist/bench/libs/server/testing/src');
const { Client } = require('pg');

const TARGET_MS = 15_000;
const BEFORE_MS = 71_000;

// What the Jest global setup gives a test run: a run id, the admin database, a Redis prefix, a key.
testing.setUpBenchEnvironment();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// The defaults of RUN_HEARTBEAT_MS and RUN_LEASE_TTL_MS, not the test stacks' short ones.
const stack = await testing.startStack({ worker: true, env: { RUN_HEARTBEAT_MS: '3000', RUN_LEASE_TTL_MS: '10000' } });
const second = testing.spawnEntry(testing.WORKER_ENTRY, { ...stack.env, WORKER_HEALTH_PORT: String(await testing.freePort()) });
const db = new Client({ connectionString: stack.databaseUrl });
let repo;
try {
  await db.connect();
  const { asOwner } = await testing.lastingOwner(stack);
  const server = await testing.readyTestServer(asOwner);
  const made = await testing.createGitApplication(asOwner, server.id, 'worker-loss', testing.sampleAppFiles('v1'), {
    name: 'worker-loss',
    healthCheck: testing.QUICK_HTTP_HEALTH_CHECK,
    stopGraceSeconds: 1,
  });
  repo = made.repo;
  const { app } = made;
  progress('first deployment (cold build)');
  await testing.deploymentFinished(asOwner, (await testing.queueDeployment(asOwner, app.id)).id, 300_000);

  const marker = `slow build ${randomUUID()} started`;
  await repo.commit(testing.sampleAppFiles('v2', [`RUN echo "${marker}" && sleep 300`]), 'v2, slow to build');
  const slow = await testing.queueDeployment(asOwner, app.id);
  await testing.waitFor(
    async () => ((await testing.allLogLines(asOwner, slow.id)).some((l) => l.line === marker) ? true : undefined),
    180_000,
    'the slow build to start',
    250,
  );
  // Queued behind the slow one (a quick build): it waits for its application's running deployment.
  await repo.commit(testing.sampleAppFiles('v3'), 'v3');
  const next = await testing.queueDeployment(asOwner, app.id);
  const { rows } = await db.query('SELECT worker_id FROM deployments WHERE id = $1', [slow.id]);
  const victim = [stack.worker, second].find((p) => rows[0].worker_id.includes(`-${p.child.pid}-`));
  if (!victim) throw new Error(`no worker of this bench runs ${slow.id} (${rows[0].worker_id})`);
  progress(`killing the worker running the build (pid ${victim.child.pid})`);

  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  await victim.exited;
  const status = async (id) => (await asOwner('GET', `/api/v1/deployments/${id}`)).body;
  const lost = await testing.waitFor(
    async () => ((await status(slow.id)).status === 'running' ? undefined : Date.now()),
    120_000,
    'the lost deployment to be failed',
    100,
  );
  const started = await testing.waitFor(
    async () => ((await status(next.id)).status === 'queued' ? undefined : Date.now()),
    120_000,
    'the queued deployment to start',
    100,
  );
  const detected = lost - killedAt;
  console.log('| figure | measured | before the run lease | target | met |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| lost worker detected (kill to "worker lost") | ${seconds(detected)} | ${seconds(BEFORE_MS)} | ≤ ${seconds(TARGET_MS)} | ${detected <= TARGET_MS ? 'yes' : 'no'} |`,
  );
  console.log(`| queued deployment started on the surviving worker (after the kill) | ${seconds(started - killedAt)} | | | |`);
  const finished = await testing.deploymentFinished(asOwner, next.id, 300_000);
  console.log(`queued deployment ended ${finished.status}; lost one: ${(await status(slow.id)).reason}`);
} finally {
  await db.end().catch(() => undefined);
  await repo?.close();
  await second.stop();
  await stack.stop();
}
