// Docker Engine API latency through Zpanel's SSH pool (the path every server operation takes)
// beside the same calls on the local socket, measured in the same run on the same engine: the
// difference is the pool's overhead. Target: under 10 ms per call.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseEnv } from 'node:util';
import { median } from './bench-figures.mjs';

const require = createRequire(import.meta.url);
const remote = require('../dist/apps/worker/libs/server/remote/src');
const Docker = require('dockerode');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const env = { ...parseEnv(readFileSync('/var/lib/zpanel-test/env', 'utf8')), ...process.env };
const target = {
  id: 'bench',
  host: env.TEST_SSH_HOST,
  port: Number(env.TEST_SSH_PORT),
  username: env.TEST_SSH_USER,
  privateKey: readFileSync(env.TEST_SSH_KEY_PATH),
};

const p95 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)];

async function time(call) {
  const samples = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    const started = process.hrtime.bigint();
    await call();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples;
}

const pool = new remote.SshPool();
const viaPool = remote.dockerOverSsh(pool.streams(target));
const local = new Docker({ socketPath: '/var/run/docker.sock' });

// Warm both paths (connection set-up is not what this measures).
await viaPool.ping();
await local.ping();

const rows = [];
for (const [name, call] of [
  ['ping', (d) => d.ping()],
  ['list containers', (d) => d.listContainers({ all: true })],
]) {
  const pooled = await time(() => call(viaPool));
  const baseline = await time(() => call(local));
  rows.push({ name, pooled: median(pooled), pooled95: p95(pooled), local: median(baseline), local95: p95(baseline) });
}

const parallelStarted = process.hrtime.bigint();
const parallel = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 ? viaPool.ping() : viaPool.listContainers({ all: true }))));
const parallelMs = Number(process.hrtime.bigint() - parallelStarted) / 1e6;
const failed = parallel.filter((r) => r.status === 'rejected').length;
pool.close();

const f = (ms) => `${ms.toFixed(2)} ms`;
console.log(`docker API over the SSH pool vs the local socket (${ROUNDS} calls each, medians; p95 in brackets)`);
console.log('call              pool                  local socket          overhead (target < 10 ms)');
for (const r of rows) {
  console.log(
    `${r.name.padEnd(17)} ${`${f(r.pooled)} [${f(r.pooled95)}]`.padEnd(21)} ${`${f(r.local)} [${f(r.local95)}]`.padEnd(21)} ${f(r.pooled - r.local)}`,
  );
}
console.log(`20 parallel calls through the pool: ${20 - failed} succeeded, ${failed} failed, ${f(parallelMs)} wall time`);
if (failed > 0) process.exitCode = 1;
