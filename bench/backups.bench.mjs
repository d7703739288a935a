// Backups, measured on the test server through a whole Zpanel stack (the built API and worker), each
// figure beside a plain script measured in the same run (docs/testing.md "Benchmarks"):
//   a. back up a PostgreSQL database of about 1 GB to a real S3-compatible server: Zpanel (POST
//      /api/v1/databases/{id}/backups until the backup succeeded, verified upload included) beside a
//      plain script doing `docker exec pg_dump -Fc | zstd` over SSH into an upload with the same SDK
//      (@aws-sdk/lib-storage): target ratio under 1.2; and the worker's RSS growth during Zpanel's
//      backup: target under 64 MB;
//   b. restore of that backup into a new database (created by the restore) beside the plain script's
//      restore: a new container, then download | zstd -d | pg_restore into it.
// Nothing here passes or fails on speed: the table says whether each target was met.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { PassThrough } from 'node:stream';
import { median, ms, mb, progress } from './bench-figures.mjs';

const require = createRequire(import.meta.url);
// @zpanel/testing compiled by scripts/bench.sh: the same stack, fixtures and clients as the e2e tests.
const testing = require('../dist/bench/libs/server/testing/src');
const { zpanelDockerNames, quoteShellArg } = require('../dist/bench/libs/server/core/src');
const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3');
const { Upload } = require('@aws-sdk/lib-storage');

const RUNS = Number(process.env.BENCH_BACKUP_RUNS ?? 2);
/** Rows of about 1 KB: 1,000,000 of them is about 1 GB on disk. */
const FILL_ROWS = Number(process.env.BENCH_BACKUP_FILL_ROWS ?? 1_000_000);
const IMAGE = 'zpanel-test/postgres:15';
const POLL_MS = 100;
/** As S3ObjectStore's multipart settings, so both sides upload alike. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

testing.setUpBenchEnvironment();

const onServer = testing.runOnTestServer;

/** About FILL_ROWS KB of table data through psql inside the container, as the database's own user; prints the size. */
const FILL = `
set -euo pipefail
container=$1 user=$2 db=$3 rows=$4
export PGPASSWORD=$5
psql() { docker exec -e PGPASSWORD "$container" psql -h 127.0.0.1 -U "$user" -d "$db" -v ON_ERROR_STOP=1 "$@"; }
psql -q -c "CREATE TABLE bench_fill AS SELECT g AS id, md5(g::text) || repeat(md5((g * 7)::text), 30) AS payload FROM generate_series(1, $rows) AS g" >/dev/null
psql -q -c "CHECKPOINT" >/dev/null
psql -tA -c "SELECT pg_size_pretty(pg_database_size(current_database()))"
`;

/** The plain restore target: a new container of the same image, waited until ready. */
const PLAIN_NEW_DATABASE = `
set -euo pipefail
name=$1 network=$2 namespace=$3 password=$4
docker run -d --name "$name" --network "$network" --label "zpanel.namespace=$namespace" \\
  -e POSTGRES_USER=bench -e POSTGRES_DB=bench -e "POSTGRES_PASSWORD=$password" ${IMAGE} >/dev/null
until docker exec "$name" pg_isready -q -h 127.0.0.1 -p 5432 -U bench -d bench; do sleep 0.1; done
`;

/** Spawns a script on the test server over SSH (as runOnTestServer, but its stdin and stdout are streams). */
function spawnOnServer(script, args) {
  const env = Object.fromEntries(
    readFileSync('/var/lib/zpanel-test/env', 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const argv = ['-i', env.TEST_SSH_KEY_PATH, '-p', env.TEST_SSH_PORT, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no'];
  argv.push('-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${env.TEST_SSH_USER}@${env.TEST_SSH_HOST}`);
  argv.push(['bash', '-c', quoteShellArg(script), 'plain', ...args.map(quoteShellArg)].join(' '));
  const child = spawn('ssh', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err += c.toString()));
  const done = new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`plain script failed (${code}): ${err.trim()}`)))),
  );
  return { child, done };
}

/** Polls `path` until `finished(body)`; throws when it failed. */
async function until(asOwner, path, finished, what) {
  for (;;) {
    const response = await asOwner('GET', path);
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${response.text}`);
    const body = response.body;
    if (finished(body)) return body;
    if (body.status === 'failed' || body.status === 'cancelled') throw new Error(`${what} ${body.status}: ${body.reason}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The worker's resident set in bytes, from /proc (the bench runs on the control plane's machine). */
function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

async function main() {
  const loadBefore = loadavg()[0];
  const s3 = await testing.DisposableS3Server.start({ bucket: 'bench-backups' });
  const stack = await testing.startStack({ worker: true, env: { NODE_ENV: 'production', LOG_LEVEL: 'warn' } });
  const names = zpanelDockerNames(stack.dockerNamespace);
  const plainContainers = [];
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  try {
    const { asOwner } = await testing.lastingOwner(stack);
    progress('stack up; validating the test server');
    const server = await testing.readyTestServer(asOwner);
    const project = (await asOwner('POST', '/api/v1/projects', { name: 'Bench backups' })).body;
    const environment = (await asOwner('GET', `/api/v1/projects/${project.id}/environments`)).body.items[0];
    const created = await asOwner('POST', '/api/v1/databases', {
      environmentId: environment.id,
      serverId: server.id,
      name: 'bench-backup-db',
      engine: 'postgresql',
      image: IMAGE,
    });
    if (created.status !== 202) throw new Error(`creating a database failed: ${created.status} ${created.text}`);
    const database = await until(asOwner, `/api/v1/databases/${created.body.database.id}`, (d) => d.status === 'running', 'database');
    const credentials = (await asOwner('GET', `/api/v1/databases/${database.id}/credentials`)).body;
    const container = names.databaseAlias(database.id);
    progress(`filling the database with ${FILL_ROWS.toLocaleString('en-US')} rows of about 1 KB`);
    const size = await onServer(FILL, [container, credentials.userName, credentials.databaseName, String(FILL_ROWS), credentials.password]);
    progress(`database size ${size}`);

    const destination = await asOwner('POST', '/api/v1/backup-destinations', { kind: 's3', name: 'bench-s3', prefix: 'zpanel', ...s3.settings });
    if (destination.status !== 201) throw new Error(`creating the destination failed: ${destination.status} ${destination.text}`);

    const zpanelBackup = async () => {
      const workerPid = stack.worker.child.pid;
      const rssBefore = rssOf(workerPid);
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(workerPid))), 100);
      const posted = performance.now();
      const queued = await asOwner('POST', `/api/v1/databases/${database.id}/backups`, { destinationId: destination.body.id, verify: false });
      if (queued.status !== 202) throw new Error(`back up now refused: ${queued.status} ${queued.text}`);
      const backupId = (queued.body.backup ?? queued.body).id;
      const backup = await until(asOwner, `/api/v1/backups/${backupId}`, (b) => b.status === 'succeeded', 'backup');
      const wallMs = performance.now() - posted;
      clearInterval(sampler);
      return { backup, wallMs, rssGrowth: rssPeak - rssBefore };
    };
    const plainBackup = async (i) => {
      const started = performance.now();
      const { child, done } = spawnOnServer('docker exec -e PGPASSWORD="$4" "$1" pg_dump -Fc -h 127.0.0.1 -U "$2" -d "$3" | zstd -q -c -3 -T0', [
        container,
        credentials.userName,
        credentials.databaseName,
        credentials.password,
      ]);
      const body = child.stdout.pipe(new PassThrough());
      const key = `plain/backup-${i}.dump.zst`;
      const upload = new Upload({ client, queueSize: QUEUE_SIZE, partSize: PART_SIZE, params: { Bucket: s3.bucket, Key: key, Body: body } });
      await Promise.all([upload.done(), done]);
      return { key, wallMs: performance.now() - started };
    };

    const zpanelMs = [];
    const plainMs = [];
    const rssGrowths = [];
    let lastBackup;
    let lastPlainKey;
    for (let i = 1; i <= RUNS; i += 1) {
      const zpanel = await zpanelBackup();
      lastBackup = zpanel.backup;
      zpanelMs.push(zpanel.wallMs);
      rssGrowths.push(zpanel.rssGrowth);
      const plain = await plainBackup(i);
      lastPlainKey = plain.key;
      plainMs.push(plain.wallMs);
      progress(`backup ${i}/${RUNS}: Zpanel ${ms(zpanel.wallMs)} (worker RSS +${mb(zpanel.rssGrowth)}), plain script ${ms(plain.wallMs)}`);
    }

    // b. Restore into a new database on both sides.
    const restorePosted = performance.now();
    const restore = await asOwner('POST', `/api/v1/backups/${lastBackup.id}/restores`, { target: 'new', newDatabaseName: 'bench-restored' });
    if (restore.status !== 202) throw new Error(`restore refused: ${restore.status} ${restore.text}`);
    const restoreId = (restore.body.restore ?? restore.body).id;
    await until(asOwner, `/api/v1/restores/${restoreId}`, (r) => r.status === 'succeeded', 'restore');
    const zpanelRestoreMs = performance.now() - restorePosted;

    const plainRestoreStarted = performance.now();
    const plainName = `${stack.dockerNamespace}-bench-plain-restore`;
    plainContainers.push(plainName);
    const plainPassword = randomBytes(16).toString('hex');
    await onServer(PLAIN_NEW_DATABASE, [plainName, names.network, stack.dockerNamespace, plainPassword]);
    const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: lastPlainKey }));
    const { child, done } = spawnOnServer(
      'zstd -q -d -c | docker exec -i -e PGPASSWORD="$2" "$1" pg_restore --no-owner -h 127.0.0.1 -U bench -d bench',
      [plainName, plainPassword],
    );
    object.Body.pipe(child.stdin);
    await done;
    const plainRestoreMs = performance.now() - plainRestoreStarted;

    const ratio = median(zpanelMs) / median(plainMs);
    const rss = Math.max(...rssGrowths);
    const restoreRatio = zpanelRestoreMs / plainRestoreMs;
    console.log(`backups on the test server (${IMAGE}, ${size} of data; ${RUNS} backups each side, to a local S3-compatible server)`);
    console.log(`machine: ${cpus().length} CPUs, load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`);
    console.log(`stored object: Zpanel ${mb(lastBackup.sizeBytes)} (dump ${mb(lastBackup.dumpBytes)}, ${lastBackup.compression})`);
    const widths = [46, 14, 30, 16, 10];
    console.log(['figure', 'Zpanel', 'baseline (same run)', 'target', 'measured'].map((h, i) => h.padEnd(widths[i])).join(' ') + ' met');
    const rows = [
      [
        'a. back up about 1 GB to S3 (median)',
        ms(median(zpanelMs)),
        `plain script ${ms(median(plainMs))}`,
        'ratio < 1.2',
        ratio.toFixed(2),
        ratio < 1.2,
      ],
      ['a. worker RSS growth during a backup (max)', mb(rss), '-', '< 64 MB', mb(rss), rss < 64 * 1024 * 1024],
      ['b. restore into a new database', ms(zpanelRestoreMs), `plain script ${ms(plainRestoreMs)}`, '(information)', restoreRatio.toFixed(2), null],
    ];
    for (const [name, value, baseline, goal, measured, met] of rows) {
      console.log(
        [name, value, baseline, goal, measured].map((c, i) => c.padEnd(widths[i])).join(' ') + ` ${met === null ? '' : met ? 'yes' : 'NO'}`,
      );
    }
    console.log(`backups, Zpanel:       ${zpanelMs.map(ms).join(', ')}`);
    console.log(`backups, plain script: ${plainMs.map(ms).join(', ')}`);
  } finally {
    for (const name of plainContainers) await onServer('docker rm -f "$1" >/dev/null', [name]).catch(() => undefined);
    await stack.stop();
    await s3.dispose();
    await testing.deleteRedisKeys(process.env.REDIS_PREFIX);
  }
}

await main();
