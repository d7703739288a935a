// Databases, measured on the test server through a whole Zpanel stack (the built API and worker),
// each figure beside a plain-docker baseline measured in the same run (docs/testing.md "Benchmarks"):
//   a. create -> accepting connections for PostgreSQL: Zpanel (POST /api/v1/databases until the
//      database is running) next to a plain script doing `docker volume create` + `docker run` +
//      `pg_isready` until ready on the same server: target ratio under 1.2;
//   b. restart of a PostgreSQL database holding about 1 GB of data -> accepting connections, Zpanel's
//      restart operation beside `docker restart` + `pg_isready` on a plain container with the same data.
// Nothing here passes or fails on speed: the table says whether each target was met.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { median, ms, progress } from './bench-figures.mjs';

const require = createRequire(import.meta.url);
// @zpanel/testing compiled by scripts/bench.sh: the same stack, fixtures and clients as the e2e tests.
const testing = require('../dist/bench/libs/server/testing/src');
const { zpanelDockerNames } = require('../dist/bench/libs/server/core/src');

const CREATE_RUNS = Number(process.env.BENCH_DATABASE_CREATE_RUNS ?? 5);
const RESTART_RUNS = Number(process.env.BENCH_DATABASE_RESTART_RUNS ?? 3);
/** Rows of about 1 KB: 1,000,000 of them is about 1 GB on disk. */
const FILL_ROWS = Number(process.env.BENCH_DATABASE_FILL_ROWS ?? 1_000_000);
const IMAGE = 'zpanel-test/postgres:15';
const POLL_MS = 50;

testing.setUpBenchEnvironment();

/** Runs a bash script on the test server over SSH; resolves to its stdout. */
const onServer = testing.runOnTestServer;

/** Waits (inside the script) until PostgreSQL in container $1 accepts TCP connections as the official image's user. */
const WAIT_READY = `
wait_ready() {
  until docker exec "$1" pg_isready -q -h 127.0.0.1 -p 5432 -U bench -d bench; do sleep ${POLL_MS / 1000}; done
}
`;

/** The plain script: volume, container with the same image and contract, wait until ready; prints its milliseconds. */
const PLAIN_CREATE = `
set -euo pipefail
${WAIT_READY}
name=$1 network=$2 namespace=$3 password=$4
start=$(date +%s%N)
docker volume create --label "zpanel.namespace=$namespace" "$name-data" >/dev/null
docker run -d --name "$name" --network "$network" --label "zpanel.namespace=$namespace" --restart unless-stopped \\
  -e POSTGRES_USER=bench -e POSTGRES_DB=bench -e "POSTGRES_PASSWORD=$password" \\
  -v "$name-data:/var/lib/postgresql/data" ${IMAGE} >/dev/null
wait_ready "$name"
end=$(date +%s%N)
echo $(( (end - start) / 1000000 ))
`;

const PLAIN_RESTART = `
set -euo pipefail
${WAIT_READY}
name=$1
start=$(date +%s%N)
docker restart "$name" >/dev/null
wait_ready "$name"
end=$(date +%s%N)
echo $(( (end - start) / 1000000 ))
`;

const PLAIN_REMOVE = `
set -euo pipefail
docker rm -f "$1" >/dev/null
docker volume rm "$1-data" >/dev/null
`;

/** About FILL_ROWS KB of table data through psql inside the container, as the database's own user; prints the size. */
const FILL = `
set -euo pipefail
container=$1 user=$2 db=$3 rows=$4
export PGPASSWORD=$5
psql() { docker exec -e PGPASSWORD "$container" psql -h 127.0.0.1 -U "$user" -d "$db" -v ON_ERROR_STOP=1 "$@"; }
psql -q -c "CREATE TABLE bench_fill AS SELECT g AS id, md5(g::text) || repeat('x', 968) AS payload FROM generate_series(1, $rows) AS g" >/dev/null
# Flushed to disk before the restarts, so they measure startup and not the write-back of the fill.
psql -q -c "CHECKPOINT" >/dev/null
psql -tA -c "SELECT pg_size_pretty(pg_database_size(current_database()))"
`;

/** Polls the database until `done(database)` holds; throws when it failed. */
async function databaseUntil(asOwner, id, done, what) {
  for (;;) {
    const database = (await asOwner('GET', `/api/v1/databases/${id}`)).body;
    if (done(database)) return database;
    if (database.status === 'failed') throw new Error(`database ${id} failed while ${what}: ${database.statusReason}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Polls the operation until it ended; throws unless it succeeded. */
async function operationFinished(asOwner, databaseId, operationId) {
  for (;;) {
    const operation = (await asOwner('GET', `/api/v1/databases/${databaseId}/operations/${operationId}`)).body;
    if (operation.status === 'success') return operation;
    if (operation.status === 'failed') throw new Error(`operation ${operation.kind} failed: ${operation.reason}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function main() {
  const loadBefore = loadavg()[0];
  const stack = await testing.startStack({ worker: true, env: { NODE_ENV: 'production', LOG_LEVEL: 'warn' } });
  const names = zpanelDockerNames(stack.dockerNamespace);
  const plainNames = [];
  try {
    const { asOwner } = await testing.lastingOwner(stack);
    progress('stack up; validating the test server');
    const server = await testing.readyTestServer(asOwner);
    const project = (await asOwner('POST', '/api/v1/projects', { name: 'Bench databases' })).body;
    const environment = (await asOwner('GET', `/api/v1/projects/${project.id}/environments`)).body.items[0];

    const createZpanel = async (name) => {
      const posted = performance.now();
      const created = await asOwner('POST', '/api/v1/databases', {
        environmentId: environment.id,
        serverId: server.id,
        name,
        engine: 'postgresql',
        image: IMAGE,
      });
      if (created.status !== 202) throw new Error(`creating a database failed: ${created.status} ${created.text}`);
      const database = await databaseUntil(asOwner, created.body.database.id, (d) => d.status === 'running', 'being created');
      return { database, wallMs: performance.now() - posted };
    };
    const createPlain = async (i) => {
      const name = `${stack.dockerNamespace}-bench-plain-${i}`;
      plainNames.push(name);
      return Number(await onServer(PLAIN_CREATE, [name, names.network, stack.dockerNamespace, randomBytes(16).toString('hex')]));
    };

    // a. Create -> ready, alternating so both see the same machine. The image is local: no pull on either side.
    // One create each first, not counted: the first container of a run pays for cold caches on both sides.
    progress('warm-up: one create each, not counted');
    await createZpanel('bench-db-warm-up');
    await createPlain('warm-up');
    const zpanelCreateMs = [];
    const plainCreateMs = [];
    const created = [];
    for (let i = 1; i <= CREATE_RUNS; i += 1) {
      const zpanel = await createZpanel(`bench-db-${i}`);
      created.push(zpanel.database);
      zpanelCreateMs.push(zpanel.wallMs);
      plainCreateMs.push(await createPlain(i));
      progress(`create ${i}/${CREATE_RUNS}: Zpanel ${ms(zpanelCreateMs[i - 1])}, plain script ${ms(plainCreateMs[i - 1])}`);
    }

    // b. Restart with about 1 GB of data on both sides.
    const target = created[0];
    const credentials = (await asOwner('GET', `/api/v1/databases/${target.id}/credentials`)).body;
    progress(`filling both databases with ${FILL_ROWS.toLocaleString('en-US')} rows of about 1 KB`);
    const zpanelSize = await onServer(FILL, [
      names.databaseAlias(target.id),
      credentials.userName,
      credentials.databaseName,
      String(FILL_ROWS),
      credentials.password,
    ]);
    const plainPassword = (
      await onServer('docker inspect -f "{{range .Config.Env}}{{println .}}{{end}}" "$1" | sed -n "s/^POSTGRES_PASSWORD=//p"', [plainNames[0]])
    ).trim();
    const plainSize = await onServer(FILL, [plainNames[0], 'bench', 'bench', String(FILL_ROWS), plainPassword]);
    const zpanelRestartMs = [];
    const plainRestartMs = [];
    for (let i = 1; i <= RESTART_RUNS; i += 1) {
      const posted = performance.now();
      const restarted = await asOwner('POST', `/api/v1/databases/${target.id}/restart`, {});
      if (restarted.status !== 202) throw new Error(`restart refused: ${restarted.status} ${restarted.text}`);
      await operationFinished(asOwner, target.id, restarted.body.operation.id);
      await databaseUntil(asOwner, target.id, (d) => d.status === 'running', 'restarting');
      zpanelRestartMs.push(performance.now() - posted);
      plainRestartMs.push(Number(await onServer(PLAIN_RESTART, [plainNames[0]])));
      progress(`restart ${i}/${RESTART_RUNS}: Zpanel ${ms(zpanelRestartMs[i - 1])}, plain script ${ms(plainRestartMs[i - 1])}`);
    }

    const createRatio = median(zpanelCreateMs) / median(plainCreateMs);
    const restartRatio = median(zpanelRestartMs) / median(plainRestartMs);
    console.log(`databases on the test server (${IMAGE}; ${CREATE_RUNS} creates and ${RESTART_RUNS} restarts each side)`);
    console.log(`machine: ${cpus().length} CPUs, load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`);
    const widths = [48, 14, 30, 14, 10];
    console.log(['figure', 'Zpanel', 'baseline (same run)', 'target', 'measured'].map((h, i) => h.padEnd(widths[i])).join(' ') + ' met');
    const rows = [
      [
        'a. create -> accepting connections (median)',
        ms(median(zpanelCreateMs)),
        `plain script ${ms(median(plainCreateMs))}`,
        'ratio < 1.2',
        createRatio.toFixed(2),
        createRatio < 1.2,
      ],
      [
        `b. restart with data (${zpanelSize} / ${plainSize}) (median)`,
        ms(median(zpanelRestartMs)),
        `plain script ${ms(median(plainRestartMs))}`,
        '(information)',
        restartRatio.toFixed(2),
        null,
      ],
    ];
    for (const [name, value, baseline, goal, measured, met] of rows) {
      console.log(
        [name, value, baseline, goal, measured].map((c, i) => c.padEnd(widths[i])).join(' ') + ` ${met === null ? '' : met ? 'yes' : 'NO'}`,
      );
    }
    console.log(`creates, Zpanel:        ${zpanelCreateMs.map(ms).join(', ')}`);
    console.log(`creates, plain script:  ${plainCreateMs.map(ms).join(', ')}`);
    console.log(`restarts, Zpanel:       ${zpanelRestartMs.map(ms).join(', ')}`);
    console.log(`restarts, plain script: ${plainRestartMs.map(ms).join(', ')}`);
  } finally {
    for (const name of plainNames) await onServer(PLAIN_REMOVE, [name]).catch(() => undefined);
    await stack.stop();
    await testing.deleteRedisKeys(process.env.REDIS_PREFIX);
  }
}

await main();
