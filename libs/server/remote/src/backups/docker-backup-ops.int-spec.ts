import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { BackupInventory, DatabaseEngine } from '@zpanel/contracts';
import {
  type DatabaseCredentials,
  type EngineCommand,
  ZPANEL_LABELS,
  databaseContainer,
  newDatabaseCredentials,
  readinessProbe,
  zpanelDockerNames,
} from '@zpanel/core';
import { dockerCli, removeDockerNamespace, testSshTarget, waitFor } from '@zpanel/testing';
import type Docker from 'dockerode';
import { waitUntilReady } from '../databases/database-ops';
import { DockerDatabaseOps, execCaptured } from '../databases/docker-database-ops';
import { dockerOverSsh, releaseDocker } from '../docker/docker-over-ssh';
import { type PooledTarget, SshPool } from '../ssh/ssh-pool';
import { BackupToolError, type DatabasePlace, type DatabaseTarget } from './backup-ops';
import { BACKUP_HELPER_ROLE, BACKUP_SCRATCH_ROLE, DEFAULT_BACKUP_TIMINGS, DockerBackupOps } from './docker-backup-ops';

/**
 * Dumps and restores with the real engines (the test images, docs/testing.md) on the test server's
 * Docker Engine over SSH, as the worker runs them: each database created by DockerDatabaseOps like a
 * database operation does, filled, dumped, restored into a scratch container of the same image and
 * over itself, compared by inventory and a checksum of the data. Durations are printed at the end.
 */

const HELPER_IMAGE = 'zpanel-test/busybox:latest';
/**
 * The script the helper ran to count a volume before the inventory was read from the tar (kept here
 * to show that backups recorded with it still verify): files, bytes, and the digest of the listing.
 */
const PREVIOUS_COUNT_SCRIPT = [
  'set -eu; if (set -o pipefail) 2>/dev/null; then set -o pipefail; fi',
  'cd /volume',
  `count=$(find . -type f -exec stat -c %s {} + | awk '{ n += 1; b += $1 } END { printf "%d %.0f", n, b }')`,
  `digest=$({ find . -mindepth 1 ! -type s -exec stat -c '%f %u:%g %n' {} +; find . -type l -exec sh -c 'for l; do printf "%s -> %s\\n" "$l" "$(readlink "$l")"; done' sh {} +; find . -type f -exec sha256sum {} +; } | LC_ALL=C sort | sha256sum | cut -c1-64)`,
  `printf '%s %s\\n' "$count" "$digest"`,
].join('\n');
const timings: string[] = [];

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  timings.push(`${what}: ${Date.now() - started} ms`);
  return result;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface EngineCase {
  engine: DatabaseEngine;
  image: string;
  /** Fills the database (the statement text on stdin, or redis-cli commands). */
  seed: (c: DatabaseCredentials) => EngineCommand;
  /** Changes it after the dump (so that a restore over it must put the dump's data back). */
  change: (c: DatabaseCredentials) => EngineCommand;
  /** A checksum of all the data, the same wherever the same data is. */
  checksum: (c: DatabaseCredentials) => EngineCommand;
  /** Credentials a dump must fail with, and what its stderr says. */
  broken: (c: DatabaseCredentials) => DatabaseCredentials;
  brokenSays: RegExp;
}

const psql = (c: DatabaseCredentials, sql: string): EngineCommand => ({
  argv: ['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-U', c.userName, '-d', c.databaseName],
  env: { PGPASSWORD: c.password },
  stdin: sql,
});
const mariadb = (c: DatabaseCredentials, sql: string): EngineCommand => ({
  argv: ['mariadb', '--protocol=socket', '-u', 'root', '-N', '-B', '--default-character-set=utf8mb4', c.databaseName],
  env: { MYSQL_PWD: c.rootPassword as string },
  stdin: sql,
});
const redisCli = (c: DatabaseCredentials, commands: string): EngineCommand => ({
  argv: ['redis-cli', '-h', '127.0.0.1', '-p', '6379'],
  env: { REDISCLI_AUTH: c.password },
  stdin: commands,
});

const CASES: EngineCase[] = [
  {
    engine: 'postgresql',
    image: 'zpanel-test/postgres:15',
    seed: (c) =>
      psql(
        c,
        `CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, data bytea, added timestamptz DEFAULT '2026-01-01');
         INSERT INTO items (id, name, data) SELECT g, 'item ' || g || ' é ''"\\', decode(md5(g::text), 'hex') FROM generate_series(1, 20000) g;
         CREATE SCHEMA "Odd ""schema""";
         CREATE TABLE "Odd ""schema"""."semi;colon ""q""" (k text);
         INSERT INTO "Odd ""schema"""."semi;colon ""q""" VALUES ('a'), ('b'), (E'tab\\there');
         CREATE TABLE big (id bigserial PRIMARY KEY, payload text);
         INSERT INTO big (payload) SELECT repeat(md5(g::text), 8) FROM generate_series(1, 150000) g;
         CREATE VIEW item_names AS SELECT name FROM items;
         CREATE FUNCTION item_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM items';
         CREATE TABLE empty_one (x int);`,
      ),
    change: (c) => psql(c, `DELETE FROM items WHERE id <= 100; INSERT INTO items (id, name) VALUES (100001, 'new'); DROP TABLE empty_one;`),
    checksum: (c) =>
      psql(
        c,
        `SELECT md5((SELECT string_agg(i::text, ',' ORDER BY id) FROM items i) || (SELECT string_agg(k, ',' ORDER BY k) FROM "Odd ""schema"""."semi;colon ""q""") || (SELECT md5(string_agg(payload, '' ORDER BY id)) FROM big) || item_count()::text);`,
      ),
    // Inside the container PostgreSQL trusts its socket, so a wrong password passes: a wrong database does not.
    broken: (c) => ({ ...c, databaseName: 'no_such_db' }),
    brokenSays: /database "no_such_db" does not exist/,
  },
  {
    engine: 'mariadb',
    image: 'zpanel-test/mariadb:10.11',
    seed: (c) =>
      mariadb(
        c,
        `CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL, data BLOB) ENGINE=InnoDB;
         INSERT INTO items SELECT seq, CONCAT('item ', seq, ' é ''"\\\\'), UNHEX(MD5(seq)) FROM seq_1_to_20000;
         CREATE TABLE \`we\`\`ird name\` (k VARCHAR(20)) ENGINE=InnoDB;
         INSERT INTO \`we\`\`ird name\` VALUES ('a'), ('b'), ('c');
         CREATE TABLE audit (n INT) ENGINE=InnoDB;
         CREATE TRIGGER items_audit AFTER INSERT ON items FOR EACH ROW INSERT INTO audit VALUES (NEW.id);
         CREATE PROCEDURE item_count() SELECT COUNT(*) FROM items;
         CREATE VIEW item_names AS SELECT name FROM items;
         CREATE TABLE empty_one (x INT);`,
      ),
    change: (c) => mariadb(c, `DELETE FROM items WHERE id <= 100; INSERT INTO items (id, name) VALUES (100001, 'new'); DROP TABLE empty_one;`),
    checksum: (c) =>
      mariadb(
        c,
        `SET SESSION group_concat_max_len = 1073741824;
         SELECT MD5(CONCAT((SELECT GROUP_CONCAT(CONCAT_WS(':', id, name, HEX(data)) ORDER BY id) FROM items), (SELECT GROUP_CONCAT(k ORDER BY k) FROM \`we\`\`ird name\`), (SELECT COUNT(*) FROM audit), (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()), (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE())));`,
      ),
    broken: (c) => ({ ...c, rootPassword: 'w'.repeat(40) }),
    brokenSays: /Access denied for user 'root'@'localhost'/,
  },
  {
    engine: 'redis',
    image: 'zpanel-test/redis:7',
    seed: (c) =>
      redisCli(
        c,
        [
          ...Array.from({ length: 5000 }, (_, i) => `SET key:${i} "value ${i} é"`),
          'HSET profile name "Ada" city "London"',
          'RPUSH queue a b c',
          'SADD tags x y',
        ].join('\n') + '\n',
      ),
    change: (c) => redisCli(c, 'DEL key:1 key:2\nSET added yes\nHSET profile city Paris\n'),
    checksum: (c) => redisCli(c, 'MGET key:0 key:1 key:2 key:4999\nHGETALL profile\nLRANGE queue 0 -1\nSORT tags ALPHA\nGET added\nDBSIZE\n'),
    broken: (c) => ({ ...c, password: 'w'.repeat(40) }),
    brokenSays: /WRONGPASS|NOAUTH|invalid username-password/,
  },
];

describe(DockerBackupOps.name, () => {
  const names = zpanelDockerNames(`zt-dump-${randomBytes(3).toString('hex')}`);
  const pool = new SshPool();
  const ssh = testSshTarget();
  const target: PooledTarget = {
    id: 'dumpops-int-spec',
    host: ssh.host,
    port: ssh.port,
    username: ssh.username,
    privateKey: readFileSync(ssh.privateKeyPath),
  };
  let docker: Docker;
  let databases: DockerDatabaseOps;
  let ops: DockerBackupOps;
  const signal = () => new AbortController().signal;

  /** Containers and volumes of the namespace with a backup role: none may outlive an operation. */
  const leftovers = () =>
    dockerCli(
      'ps',
      '-a',
      '--filter',
      `label=${ZPANEL_LABELS.namespace}=${names.namespace}`,
      '--filter',
      `label=${ZPANEL_LABELS.role}=${BACKUP_HELPER_ROLE}`,
      '--format',
      '{{.Names}}',
    )
      .split('\n')
      .filter(Boolean);

  beforeAll(async () => {
    docker = dockerOverSsh(pool.streams(target));
    databases = new DockerDatabaseOps(docker, names);
    ops = new DockerBackupOps(docker, { names, helperImage: HELPER_IMAGE, ...DEFAULT_BACKUP_TIMINGS, stopGraceSeconds: 10 });
    await databases.ensureNetwork();
  });

  afterAll(async () => {
    releaseDocker(docker);
    pool.close();
    removeDockerNamespace(names.namespace);
    process.stdout.write(`DockerBackupOps int-spec durations:\n  ${timings.join('\n  ')}\n`);
  });

  describe.each(CASES)('$engine ($image)', ({ engine, image, seed, change, checksum, broken, brokenSays }) => {
    const databaseId = randomUUID();
    let credentials: DatabaseCredentials;
    let dbTarget: DatabaseTarget;
    let dump: Buffer;
    let dumped: BackupInventory;
    let dumpedSum: string;

    const run = async (place: DatabasePlace, command: EngineCommand): Promise<string> => {
      const container = 'databaseId' in place ? docker.getContainer(names.databaseAlias(place.databaseId)) : docker.getContainer(place.container);
      const result = await execCaptured(container, command, { timeoutMs: 60_000 });
      if (result.exitCode !== 0) throw new Error(`${command.argv[0]} exited ${result.exitCode}: ${result.stderr}${result.stdout}`);
      return result.stdout;
    };

    beforeAll(async () => {
      credentials = newDatabaseCredentials(engine, { databaseName: 'shop', userName: 'shop_app' });
      dbTarget = {
        databaseId,
        engine,
        databaseName: engine === 'redis' ? null : credentials.databaseName,
        userName: engine === 'redis' ? null : credentials.userName,
        password: credentials.password,
        rootPassword: credentials.rootPassword,
      };
      await databases.ensureVolume(databaseId, 'team-1');
      const tag = image.split(':')[1];
      await databases.createContainer({
        databaseId,
        teamId: 'team-1',
        image,
        spec: databaseContainer(engine, tag, credentials),
        publicPort: null,
        memoryLimitMb: null,
        cpuLimit: null,
      });
      const readiness = await waitUntilReady(databases, databaseId, readinessProbe(engine, credentials), DEFAULT_BACKUP_TIMINGS.readiness);
      expect(readiness).toMatchObject({ ready: true });
      await run({ databaseId }, seed(credentials));
    });

    it('dumps as a stream and restores into a scratch container of the same image: same tables and counts (keys), same data', async () => {
      dumped = await ops.inventory({ databaseId }, dbTarget, signal());
      if (engine === 'redis') expect(dumped).toEqual({ keys: 5003 });
      else expect(dumped.tables).toEqual(expect.arrayContaining([{ name: engine === 'postgresql' ? 'public.items' : 'items', rows: 20000 }]));
      if (engine === 'postgresql') expect(dumped.tables).toContainEqual({ name: 'Odd "schema".semi;colon "q"', rows: 3 });
      if (engine === 'mariadb') expect(dumped.tables).toContainEqual({ name: 'we`ird name', rows: 3 });
      dumpedSum = await run({ databaseId }, checksum(credentials));

      const stream = await timed(`${engine}: dump started`, () => ops.dumpDatabase(dbTarget, signal()));
      dump = await timed(`${engine}: dump read`, () => collect(stream.stream));
      await stream.done;
      timings.push(`${engine}: dump ${dump.length} bytes`);
      expect(dump.length).toBeGreaterThan(1000);
      if (engine === 'postgresql') expect(dump.subarray(0, 5).toString()).toBe('PGDMP');
      if (engine === 'redis') expect(dump.subarray(0, 5).toString()).toBe('REDIS');
      if (engine === 'mariadb') expect(dump.toString('utf8')).toMatch(/CREATE TABLE `items`[\s\S]*TRIGGER[\s\S]*PROCEDURE `item_count`/);

      const scratch = await timed(`${engine}: scratch container ready`, () => ops.startScratchDatabase(engine, image, signal(), dbTarget));
      try {
        const place = { container: scratch.container };
        await timed(`${engine}: restore into scratch`, () => ops.restoreDatabase(place, scratch.target, Readable.from([dump]), signal()));
        const scratchCredentials =
          engine === 'redis'
            ? { ...credentials, password: scratch.target.password }
            : { ...credentials, password: scratch.target.password, rootPassword: scratch.target.rootPassword };
        expect(await ops.inventory(place, scratch.target, signal())).toEqual(dumped);
        expect(await run(place, checksum(scratchCredentials))).toBe(dumpedSum);
        // No port published, on the instance's network only.
        const info = await docker.getContainer(scratch.container).inspect();
        expect(info.HostConfig.PortBindings ?? {}).toEqual({});
        expect(Object.keys(info.NetworkSettings.Networks)).toEqual([names.network]);
        expect(info.Config.Labels).toMatchObject({ [ZPANEL_LABELS.namespace]: names.namespace, [ZPANEL_LABELS.role]: BACKUP_SCRATCH_ROLE });
      } finally {
        await scratch.remove();
      }
      expect(dockerCli('ps', '-aq', '--filter', `name=${scratch.container}`)).toBe('');
      expect(
        dockerCli(
          'volume',
          'ls',
          '-q',
          '--filter',
          `label=${ZPANEL_LABELS.role}=${BACKUP_SCRATCH_ROLE}`,
          '--filter',
          `label=${ZPANEL_LABELS.namespace}=${names.namespace}`,
        ),
      ).toBe('');
    }, 180_000);

    it('restores over the same database, replacing what changed since the dump', async () => {
      await run({ databaseId }, change(credentials));
      expect(await run({ databaseId }, checksum(credentials))).not.toBe(dumpedSum);
      await timed(`${engine}: restore over the same database`, () => ops.restoreDatabase({ databaseId }, dbTarget, Readable.from([dump]), signal()));
      expect(await ops.inventory({ databaseId }, dbTarget, signal())).toEqual(dumped);
      expect(await run({ databaseId }, checksum(credentials))).toBe(dumpedSum);
      if (engine === 'redis') {
        // The restored data is what Redis persists from now on (its AOF), not only what it loaded once.
        await databases.restartContainer(databaseId, 10);
        await waitUntilReady(databases, databaseId, readinessProbe(engine, credentials), DEFAULT_BACKUP_TIMINGS.readiness);
        expect(await run({ databaseId }, checksum(credentials))).toBe(dumpedSum);
      }
    }, 180_000);

    it("fails a dump whose tool fails with the tool's exit code and stderr, and a restore of a cut dump leaves the data as it was", async () => {
      const failing = broken(credentials);
      const brokenTarget = {
        ...dbTarget,
        databaseName: engine === 'redis' ? null : failing.databaseName,
        password: failing.password,
        rootPassword: failing.rootPassword,
      };
      const error = await (async () => {
        const started = await ops.dumpDatabase(brokenTarget, signal());
        await collect(started.stream);
        await started.done;
      })().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BackupToolError);
      expect(error).toMatchObject({ code: 'backup.dump_failed', stderrTail: expect.stringMatching(brokenSays) });
      if (engine !== 'redis') expect((error as BackupToolError).exitCode).not.toBe(0);
      expect((error as Error).message).not.toContain(credentials.password);

      const cut = dump.subarray(0, Math.floor(dump.length / 2));
      await expect(ops.restoreDatabase({ databaseId }, dbTarget, Readable.from([cut]), signal())).rejects.toMatchObject({
        code: 'backup.restore_failed',
      });
      if (engine !== 'mariadb') {
        // pg_restore ran in one transaction, and the RDB checker refused the file before it replaced anything.
        expect(await run({ databaseId }, checksum(credentials))).toBe(dumpedSum);
      }
    }, 180_000);
  });

  it('stops a PostgreSQL dump that is aborted mid-stream: pg_dump ends, nothing is left behind', async () => {
    const pg = CASES[0];
    const databaseId = randomUUID();
    const credentials = newDatabaseCredentials('postgresql', { databaseName: 'abort', userName: 'abort_app' });
    await databases.ensureVolume(databaseId, 'team-1');
    await databases.createContainer({
      databaseId,
      teamId: 'team-1',
      image: pg.image,
      spec: databaseContainer('postgresql', '15', credentials),
      publicPort: null,
      memoryLimitMb: null,
      cpuLimit: null,
    });
    await waitUntilReady(databases, databaseId, readinessProbe('postgresql', credentials), DEFAULT_BACKUP_TIMINGS.readiness);
    const sql = (text: string) => databases.exec(databaseId, psql(credentials, text), { timeoutMs: 120_000 });
    await sql(`CREATE TABLE big AS SELECT g AS id, repeat(md5(g::text), 16) AS payload FROM generate_series(1, 300000) g;`);
    const dumpTarget: DatabaseTarget = {
      databaseId,
      engine: 'postgresql',
      databaseName: 'abort',
      userName: 'abort_app',
      password: credentials.password,
      rootPassword: null,
    };

    const controller = new AbortController();
    const started = await ops.dumpDatabase(dumpTarget, controller.signal);
    const first = await new Promise<Buffer>((resolve) => started.stream.once('data', resolve));
    started.stream.pause();
    expect(first.length).toBeGreaterThan(0);
    const dumping = async () => (await sql(`SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump';`)).stdout.trim();
    expect(await dumping()).toBe('1');
    const streamError = new Promise((resolve) => started.stream.once('error', resolve));
    controller.abort(new Error('cancelled by the test'));
    await expect(started.done).rejects.toThrow('cancelled by the test');
    await streamError;
    await waitFor(async () => ((await dumping()) === '0' ? true : undefined), 20_000, 'pg_dump to end');
    expect(leftovers()).toEqual([]);
  }, 240_000);

  describe('volumes', () => {
    const source = `${names.namespace}-vol-source`;
    const restored = `${names.namespace}-vol-restored`;
    const labels = ['--label', `${ZPANEL_LABELS.namespace}=${names.namespace}`];
    /** sha256 of each regular file (path, mode, owner, hash), sorted, from a helper of the test. */
    const fileSums = (volume: string) =>
      dockerCli(
        'run',
        '--rm',
        '--network',
        'none',
        '-v',
        `${volume}:/v:ro`,
        HELPER_IMAGE,
        'sh',
        '-c',
        'cd /v && find . -type f -exec sha256sum {} + | sort && find . | sort && find . -exec stat -c "%n %a %u:%g" {} + | sort',
      );

    beforeAll(() => {
      dockerCli('volume', 'create', ...labels, source);
      dockerCli('volume', 'create', ...labels, restored);
      dockerCli(
        'run',
        '--rm',
        '--network',
        'none',
        '-v',
        `${source}:/v`,
        HELPER_IMAGE,
        'sh',
        '-c',
        [
          'cd /v',
          'mkdir -p "dir with space/nested" empty-dir',
          'echo hello > a.txt',
          'echo hidden > .hidden',
          'head -c 3000000 /dev/urandom > "dir with space/nested/blob.bin"',
          'printf "x" > "dir with space/ünïcødé.txt"',
          'chown 999:999 a.txt && chmod 640 a.txt',
          'ln -s a.txt link-to-a',
        ].join(' && '),
      );
      dockerCli(
        'run',
        '--rm',
        '--network',
        'none',
        '-v',
        `${restored}:/v`,
        HELPER_IMAGE,
        'sh',
        '-c',
        'echo old > /v/old.txt && echo old > /v/.old-hidden && mkdir /v/olddir',
      );
    });

    it('round-trips a volume through a tar stream: same files, modes, owners and checksums; the target emptied first', async () => {
      const counted = await ops.volumeInventory(source, signal());
      expect(counted).toEqual({ files: 4, bytes: 3000000 + 6 + 7 + 1, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const stream = await timed('volume: dump', () => ops.dumpVolume(source, signal()));
      const tar = await collect(stream.stream);
      await stream.done;
      await timed('volume: restore', () => ops.restoreVolume(restored, Readable.from([tar]), signal()));
      expect(await ops.volumeInventory(restored, signal())).toEqual(counted);
      expect(fileSums(restored)).toBe(fileSums(source));
      expect(leftovers()).toEqual([]);
    });

    it('verifies in a scratch volume: labelled, restored into, the same files and digest, a changed mode or byte caught, then removed', async () => {
      const counted = await ops.volumeInventory(source, signal());
      const scratch = await timed('volume: scratch volume', () => ops.startScratchVolume(signal()));
      try {
        expect(scratch.name).toMatch(new RegExp(`^${names.namespace}-${BACKUP_SCRATCH_ROLE}-[0-9a-f]{12}$`));
        expect(JSON.parse(dockerCli('volume', 'inspect', '--format', '{{json .Labels}}', scratch.name))).toMatchObject({
          [ZPANEL_LABELS.namespace]: names.namespace,
          [ZPANEL_LABELS.role]: BACKUP_SCRATCH_ROLE,
        });
        // Empty: the digest of nothing.
        expect(await ops.volumeInventory(scratch.name, signal())).toEqual({
          files: 0,
          bytes: 0,
          digest: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        });
        const stream = await ops.dumpVolume(source, signal());
        const tar = await collect(stream.stream);
        await stream.done;
        await timed('volume: restore into scratch', () => ops.restoreVolume(scratch.name, Readable.from([tar]), signal()));
        expect(await ops.volumeInventory(scratch.name, signal())).toEqual(counted);
        expect(fileSums(scratch.name)).toBe(fileSums(source));

        // Same files and bytes, another mode: only the digest tells.
        const inScratch = (script: string) =>
          dockerCli('run', '--rm', '--network', 'none', '-v', `${scratch.name}:/v`, HELPER_IMAGE, 'sh', '-c', script);
        inScratch('chmod 600 /v/a.txt');
        const chmodded = await ops.volumeInventory(scratch.name, signal());
        expect(chmodded).toMatchObject({ files: counted.files, bytes: counted.bytes });
        expect(chmodded.digest).not.toBe(counted.digest);
        // Mode back, one byte changed in place.
        inScratch('chmod 640 /v/a.txt && printf J | dd of=/v/a.txt bs=1 count=1 conv=notrunc 2>/dev/null');
        const changed = await ops.volumeInventory(scratch.name, signal());
        expect(changed).toMatchObject({ files: counted.files, bytes: counted.bytes });
        expect(changed.digest).not.toBe(counted.digest);
        inScratch('printf h | dd of=/v/a.txt bs=1 count=1 conv=notrunc 2>/dev/null');
        expect(await ops.volumeInventory(scratch.name, signal())).toEqual(counted);

        // A container still mounting it (a helper whose removal lost a race) does not keep it.
        dockerCli('create', '--label', `${ZPANEL_LABELS.namespace}=${names.namespace}`, '-v', `${scratch.name}:/v`, HELPER_IMAGE, 'true');
      } finally {
        await scratch.remove();
      }
      expect(dockerCli('volume', 'ls', '-q', '--filter', `name=${scratch.name}`)).toBe('');
      expect(dockerCli('ps', '-aq', '--filter', `volume=${scratch.name}`)).toBe('');
      await scratch.remove();
      expect(leftovers()).toEqual([]);
    });

    it('counts the same files, bytes and digest with a helper image of GNU tools (Debian) as with busybox', async () => {
      const gnu = new DockerBackupOps(docker, { names, helperImage: 'zpanel-test/postgres:15', ...DEFAULT_BACKUP_TIMINGS });
      expect(await gnu.volumeInventory(source, signal())).toEqual(await ops.volumeInventory(source, signal()));
    });

    it("gives the digest the helper's find/stat/sha256sum script gave before (backups recorded with it still verify), on what tar encodes apart", async () => {
      const odd = `${names.namespace}-vol-odd`;
      dockerCli('volume', 'create', ...labels, odd);
      const longDir = `${'a-rather-long-directory-name/'.repeat(5)}`;
      dockerCli(
        'run',
        '--rm',
        '--network',
        'none',
        '-v',
        `${odd}:/v`,
        HELPER_IMAGE,
        'sh',
        '-c',
        [
          'cd /v',
          // Names over 100 bytes (GNU long-name entries), a hard link (no data in the tar), a FIFO, an empty file, special bits, owners.
          `mkdir -p "${longDir}" && head -c 70000 /dev/urandom > "${longDir}${'f'.repeat(120)}.bin"`,
          `ln "${longDir}${'f'.repeat(120)}.bin" hard-link`,
          `ln -s "${longDir}" "a link with spaces"`,
          'mkfifo pipe && : > empty && echo s > setuid && chmod 4755 setuid && chown 1234:5678 empty',
          'mkdir sticky && chmod 1777 sticky && echo x > "sticky/ünï cødé"',
        ].join(' && '),
      );
      const counted = await ops.volumeInventory(odd, signal());
      expect(counted).toMatchObject({ files: 5, bytes: 70000 * 2 + 2 + 2 });
      for (const image of [HELPER_IMAGE, 'zpanel-test/postgres:15']) {
        const answer = dockerCli('run', '--rm', '--network', 'none', '-v', `${odd}:/volume:ro`, image, 'sh', '-c', PREVIOUS_COUNT_SCRIPT);
        const [files, bytes, digest] = answer.trim().split(' ');
        expect({ image, files: Number(files), bytes: Number(bytes), digest }).toEqual({ image, ...counted });
      }
      const scratch = await ops.startScratchVolume(signal());
      try {
        const stream = await ops.dumpVolume(odd, signal());
        await ops.restoreVolume(scratch.name, stream.stream, signal());
        await stream.done;
        expect(await ops.volumeInventory(scratch.name, signal())).toEqual(counted);
      } finally {
        await scratch.remove();
      }
    });

    it('leaves a socket out of the digest, as tar leaves it out of the dump: a volume holding one still verifies', async () => {
      const withSocket = `${names.namespace}-vol-socket`;
      dockerCli('volume', 'create', ...labels, withSocket);
      // A socket an application left in its volume (Redis killed, so it does not remove it), beside a file and a FIFO.
      dockerCli(
        'run',
        '--rm',
        '--network',
        'none',
        '--user',
        '0',
        '--entrypoint',
        'sh',
        '-v',
        `${withSocket}:/v`,
        'zpanel-test/redis:7',
        '-c',
        'redis-server --port 0 --unixsocket /v/app.sock --daemonize yes && sleep 1 && kill -9 $(pidof redis-server) && test -S /v/app.sock && mkfifo /v/fifo && echo data > /v/file',
      );
      const counted = await ops.volumeInventory(withSocket, signal());
      expect(counted).toMatchObject({ files: 1, bytes: 5 });
      const scratch = await ops.startScratchVolume(signal());
      try {
        const stream = await ops.dumpVolume(withSocket, signal());
        const tar = await collect(stream.stream);
        await stream.done;
        await ops.restoreVolume(scratch.name, Readable.from([tar]), signal());
        expect(await ops.volumeInventory(scratch.name, signal())).toEqual(counted);
      } finally {
        await scratch.remove();
      }
    });

    it('removes the scratch containers and volumes a stopped worker left once they are older than any run, when the next scratch starts', async () => {
      const exists = (kind: 'volume' | 'container', name: string) =>
        dockerCli(kind, 'ls', ...(kind === 'container' ? ['-a'] : []), '-q', '--filter', `name=^${name}$`) !== '';
      const leftVolume = await ops.startScratchVolume(signal());
      const leftContainer = `${names.namespace}-${BACKUP_SCRATCH_ROLE}-${randomBytes(6).toString('hex')}`;
      const scratchLabels = ['--label', `${ZPANEL_LABELS.namespace}=${names.namespace}`, '--label', `${ZPANEL_LABELS.role}=${BACKUP_SCRATCH_ROLE}`];
      dockerCli('create', '--name', leftContainer, ...scratchLabels, HELPER_IMAGE, 'true');
      // Younger than the longest run: a verification may still be using them.
      const young = await ops.startScratchVolume(signal());
      expect([exists('volume', leftVolume.name), exists('container', leftContainer)]).toEqual([true, true]);
      await young.remove();

      // Docker's creation times have whole seconds.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const sweeping = new DockerBackupOps(docker, { names, helperImage: HELPER_IMAGE, ...DEFAULT_BACKUP_TIMINGS, scratchMaxAgeMs: 1_000 });
      const next = await sweeping.startScratchVolume(signal());
      try {
        expect([exists('volume', leftVolume.name), exists('container', leftContainer), exists('volume', next.name)]).toEqual([false, false, true]);
        // Only the scratch role: the instance's other volumes stay, however old.
        expect([exists('volume', source), exists('volume', restored)]).toEqual([true, true]);
      } finally {
        await next.remove();
      }
    });

    it("refuses a volume that is not this instance's, and fails a restore of something that is not a tar", async () => {
      const foreign = `${names.namespace}-foreign`;
      dockerCli('volume', 'create', foreign);
      try {
        await expect(ops.dumpVolume(foreign, signal())).rejects.toMatchObject({ code: 'backup.source_gone' });
      } finally {
        dockerCli('volume', 'rm', foreign);
      }
      await expect(ops.dumpVolume('../etc', signal())).rejects.toMatchObject({ code: 'backup.source_gone' });
      await expect(ops.restoreVolume(restored, Readable.from([Buffer.from('not a tar at all'.repeat(100))]), signal())).rejects.toMatchObject({
        code: 'backup.restore_failed',
        exitCode: expect.any(Number),
      });
      expect(leftovers()).toEqual([]);
    });

    it('removes the helper container when a volume dump is aborted mid-stream', async () => {
      const controller = new AbortController();
      const stream = await ops.dumpVolume(source, controller.signal);
      await new Promise((resolve) => stream.stream.once('data', resolve));
      stream.stream.pause();
      stream.stream.once('error', () => undefined);
      controller.abort(new Error('stop'));
      await expect(stream.done).rejects.toThrow('stop');
      await waitFor(async () => (leftovers().length === 0 ? true : undefined), 10_000, 'the helper to be removed');
    });
  });
});
