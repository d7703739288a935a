import { createHash, randomUUID } from 'node:crypto';
import type { DatabaseEngine } from '@zpanel/contracts';
import { AddressPolicy, type AppConfig, ZPANEL_LABELS, createLogger, generateDatabasePassword } from '@zpanel/core';
import {
  AlertEventsRepository,
  ApplicationMountsRepository,
  ApplicationsRepository,
  BackupDestinationsRepository,
  BackupSchedulesRepository,
  BackupsRepository,
  DatabaseOperationsRepository,
  DatabasesRepository,
  type RestoreEntity,
  RestoresRepository,
  databasePasswordAad,
  teamScope,
} from '@zpanel/database';
import {
  type SeededEnvironment,
  type SeededTeam,
  seedApplication,
  seedBackup,
  seedDatabase,
  seedDatabaseOperation,
  seedVolume,
} from '@zpanel/database/testing';
import type { JobContext } from '@zpanel/queue';
import { S3ObjectStore } from '@zpanel/remote';
import { DisposableS3Server, dockerCli, seedBackupWorkspaceOnS3, removeDockerNamespace } from '@zpanel/testing';
import { DATABASE_OPERATION_TIMINGS, DatabaseOperationHandler } from '../databases/database-operation.handler';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { namespacedTestConfig, queueProducer, useWorkerHarness } from '../worker-stores.testing';
import { BackupFollowUps } from './backup-follow-ups';
import { BackupParts } from './backup-parts';
import { BackupResources } from './backup-resources';
import { BackupRunHandler } from './backup-run.handler';
import { DestinationStores } from './destination-stores';
import { RestoreRunHandler } from './restore-run.handler';
import { eventNotificationsOver } from '../notifications/event-notifications.testing';

const MARIADB_IMAGE = 'zpanel-test/mariadb:10.11';
const REDIS_IMAGE = 'zpanel-test/redis:7';
const HELPER_IMAGE = 'zpanel-test/busybox:latest';

// Each case starts up to three engine containers (source, throwaway, new) on a loaded 2-core machine.
jest.setTimeout(240_000);

/**
 * Round trips through the runners with the real parts, for the engines and the volume that
 * backup-runs-real.int-spec.ts (PostgreSQL) does not take: the database created by its create
 * operation on the test server's Docker (over SSH), backed up by BackupRunHandler with the real tools
 * (DockerBackupOps), zstd + AES-256-GCM into a real S3 server on loopback, verified by the queued
 * `verify` restore in a throwaway container or volume, then restored by RestoreRunHandler (into a new
 * database; a volume over itself, after its safety backup). The restored data is compared with the
 * source by checksums taken outside Zpanel: MariaDB's CHECKSUM TABLE and hashes of ordered rows,
 * every Redis key with its type, value and expiry, every file's SHA-256, mode and owner.
 */
describe('backup round trips with the real parts: MariaDB, Redis, an application volume', () => {
  const { config: namespaced, namespace, names } = namespacedTestConfig();
  const { box, stores, pool } = useWorkerHarness('backup-round-trips-real-test', namespaced);
  const config: AppConfig = { ...namespaced, backups: { ...namespaced.backups, helperImage: HELPER_IMAGE } };
  const logger = createLogger({ level: 'silent', name: 'test' });
  const timings: string[] = [];
  let s3: DisposableS3Server;
  let workspace: SeededTeam & SeededEnvironment;
  let destinationId: string;
  let backupRuns: BackupRunHandler;
  let restoreRuns: RestoreRunHandler;
  let databaseOps: DatabaseOperationHandler;
  const context = (): JobContext => ({ jobId: 'job', attempt: 1, signal: new AbortController().signal });
  const manager = () => stores.dataSource.manager;
  const backups = () => new BackupsRepository(manager());
  const restores = () => new RestoresRepository(manager());

  async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await work();
    timings.push(`${what}: ${Date.now() - started} ms`);
    return result;
  }

  interface CreatedDatabase {
    id: string;
    password: string;
  }

  /** A database row as the API writes it, then its create operation run by the worker's handler. */
  async function createDatabase(engine: DatabaseEngine, image: string, sqlNames: { databaseName: string; userName: string } | null) {
    const id = randomUUID();
    const password = generateDatabasePassword();
    await seedDatabase(stores.dataSource, workspace, {
      password: () => box.seal(password, databasePasswordAad(id)),
      database: {
        id,
        name: `${engine}-${id.slice(0, 6)}`,
        engine,
        image,
        databaseName: sqlNames?.databaseName ?? null,
        userName: sqlNames?.userName ?? null,
        status: 'creating',
      },
    });
    const create = await seedDatabaseOperation(stores.dataSource, { teamId: workspace.teamId, id }, { kind: 'create' });
    await databaseOps.handle({ operationId: create.id }, context());
    expect(await new DatabasesRepository(manager()).find(teamScope(workspace.teamId), id)).toMatchObject({ status: 'running' });
    return { id, password } satisfies CreatedDatabase;
  }

  const addRestore = async (
    backupId: string,
    target: 'new' | 'same',
    into: { sourceKind: 'database'; databaseId: string } | { sourceKind: 'volume'; volumeId: string },
  ): Promise<RestoreEntity> =>
    (await restores().addQueued(teamScope(workspace.teamId), {
      backupId,
      sourceKind: into.sourceKind,
      target,
      databaseId: into.sourceKind === 'database' ? into.databaseId : null,
      volumeId: into.sourceKind === 'volume' ? into.volumeId : null,
      serverId: workspace.serverId,
      userId: null,
      tokenId: null,
      actorName: 'test',
    }))!;

  /**
   * Backs the source up with verification, as "Back up now" does: the backup succeeds, its object is
   * in the bucket with the recorded size and SHA-256, and the queued verification restores it into a
   * throwaway container or volume (gone afterwards) and marks it verified with what it compared.
   */
  async function backUpAndVerify(what: string, of: { databaseId: string } | { volumeId: string }, verifiedDetail: string | RegExp) {
    const queued = await seedBackup(
      stores.dataSource,
      { teamId: workspace.teamId, destinationId, serverId: workspace.serverId, ...of },
      {
        verifyAfterBackup: true,
      },
    );
    expect(await timed(`${what}: backup`, () => backupRuns.handle({ backupId: queued.id }, context()))).toEqual({ ran: true, status: 'succeeded' });
    const backup = (await backups().findByIdAcrossTeams(queued.id))!;
    expect(backup).toMatchObject({ status: 'succeeded', verification: 'pending', reason: null });

    const store = new S3ObjectStore({ ...s3.settings, prefix: 'zp' }, { policy: new AddressPolicy(config.network) });
    const stored = await store.list('');
    expect(stored.find((object) => object.key === backup.location)).toMatchObject({ sizeBytes: Number(backup.sizeBytes) });
    const hash = createHash('sha256');
    for await (const chunk of await store.get(backup.location!)) hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(backup.sha256);

    const [[verification]] = await restores().pageOf(teamScope(workspace.teamId), { skip: 0, take: 5 }, { backupId: queued.id });
    expect(verification).toMatchObject({ target: 'verify', status: 'queued' });
    expect(await timed(`${what}: verification`, () => restoreRuns.handle({ restoreId: verification.id }, context()))).toEqual({
      ran: true,
      status: 'succeeded',
    });
    expect(await backups().findByIdAcrossTeams(queued.id)).toMatchObject({
      verification: 'verified',
      verificationDetail: typeof verifiedDetail === 'string' ? verifiedDetail : expect.stringMatching(verifiedDetail),
    });
    const scratch = ['--filter', `label=${ZPANEL_LABELS.namespace}=${namespace}`, '--filter', `label=${ZPANEL_LABELS.role}=backup-scratch`];
    expect(dockerCli('ps', '-aq', ...scratch)).toBe('');
    expect(dockerCli('volume', 'ls', '-q', ...scratch)).toBe('');
    return backup;
  }

  beforeAll(async () => {
    s3 = await DisposableS3Server.start();
    ({ workspace, destinationId } = await seedBackupWorkspaceOnS3(stores.dataSource, box, s3, 'round-trips'));

    const m = manager();
    const targets = serverTargetsOver(stores.dataSource, box);
    databaseOps = new DatabaseOperationHandler(
      stores.dataSource,
      new DatabaseOperationsRepository(m),
      new DatabasesRepository(m),
      new ApplicationsRepository(m),
      targets,
      pool,
      stores.live,
      box,
      config,
      logger,
      'test-worker',
    );
    databaseOps.timings = { ...DATABASE_OPERATION_TIMINGS, heartbeatMs: 500, logBatchMs: 50 };
    const resources = new BackupResources(
      new BackupDestinationsRepository(m),
      new DatabasesRepository(m),
      new ApplicationMountsRepository(m),
      new ApplicationsRepository(m),
      targets,
      new BackupParts(pool, new DestinationStores(targets, pool, config), box, config),
      box,
      config,
    );
    const followUps = new BackupFollowUps(
      backups(),
      new BackupSchedulesRepository(m),
      restores(),
      new AlertEventsRepository(m),
      queueProducer({ add: async () => ({ id: 'job' }) } as never),
      logger,
      eventNotificationsOver(stores.dataSource).notifications,
    );
    backupRuns = new BackupRunHandler(
      stores.dataSource,
      backups(),
      resources,
      followUps,
      stores.live,
      config,
      logger,
      'test-worker',
      eventNotificationsOver(stores.dataSource).notifications,
    );
    backupRuns.timings = { ...backupRuns.timings, heartbeatMs: 500, logBatchMs: 50, busyPollMs: 200 };
    restoreRuns = new RestoreRunHandler(
      stores.dataSource,
      restores(),
      backups(),
      new DatabasesRepository(m),
      resources,
      backupRuns,
      followUps,
      stores.live,
      config,
      logger,
      'test-worker',
      eventNotificationsOver(stores.dataSource).notifications,
    );
    restoreRuns.timings = { ...restoreRuns.timings, heartbeatMs: 500, logBatchMs: 50, busyPollMs: 200 };
  });
  afterAll(async () => {
    removeDockerNamespace(namespace);
    await s3?.dispose();
    process.stdout.write(`backup round trips (real parts) durations:\n  ${timings.join('\n  ')}\n`);
  });

  describe('MariaDB', () => {
    const mariadb = (database: CreatedDatabase, databaseName: string, userName: string, sql: string) =>
      dockerCli(
        'exec',
        '-e',
        `MYSQL_PWD=${database.password}`,
        names.databaseAlias(database.id),
        'mariadb',
        '--protocol=socket',
        '-u',
        userName,
        '-N',
        '-B',
        '--default-character-set=utf8mb4',
        databaseName,
        '-e',
        sql,
      );
    /** CHECKSUM TABLE (the database's name left out) and a hash of each table's rows in key order. */
    const contentOf = (database: CreatedDatabase, databaseName: string, userName: string) => {
      const checksums = mariadb(database, databaseName, userName, 'CHECKSUM TABLE orders, blobs EXTENDED')
        .split('\n')
        .map((line) => line.split('\t')[1]);
      const rows = mariadb(
        database,
        databaseName,
        userName,
        `SET SESSION group_concat_max_len = 1073741824;
         SELECT COUNT(*), MD5(GROUP_CONCAT(CONCAT_WS(':', id, HEX(item), price, IFNULL(HEX(note), 'null')) ORDER BY id)) FROM orders;
         SELECT COUNT(*), MD5(GROUP_CONCAT(MD5(body) ORDER BY id)) FROM blobs;`,
      );
      return { checksums, rows };
    };

    it('backs up to S3, verifies in a throwaway container, and restores into a new database with the same tables and rows', async () => {
      const [source, target] = await timed('mariadb: source and new database created', () =>
        Promise.all([
          createDatabase('mariadb', MARIADB_IMAGE, { databaseName: 'shop', userName: 'shop_app' }),
          createDatabase('mariadb', MARIADB_IMAGE, { databaseName: 'shop_copy', userName: 'copy_app' }),
        ]),
      );
      mariadb(
        source,
        'shop',
        'shop_app',
        `CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(200) NOT NULL, price DECIMAL(10,2), note TEXT NULL) ENGINE=InnoDB;
         INSERT INTO orders SELECT seq, CONCAT('item ', seq, ' é ''"\\\\ 🍰'), seq * 1.25, IF(seq % 7 = 0, NULL, REPEAT('n', seq % 50)) FROM seq_1_to_3000;
         CREATE TABLE blobs (id INT PRIMARY KEY, body MEDIUMBLOB) ENGINE=InnoDB;
         INSERT INTO blobs SELECT seq, CONCAT(UNHEX(SHA2(CONCAT(seq, RAND()), 512)), REPEAT(CHAR(0, 255), seq % 300)) FROM seq_1_to_1500;`,
      );
      const sourceContent = contentOf(source, 'shop', 'shop_app');
      expect(sourceContent.checksums).toEqual([expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/)]);
      expect(sourceContent.rows).toMatch(/^3000\t[0-9a-f]{32}\n1500\t[0-9a-f]{32}$/);

      const backup = await backUpAndVerify('mariadb', { databaseId: source.id }, 'restored cleanly; 2 tables and 4500 rows match the dump');
      expect(backup).toMatchObject({
        engine: 'mariadb',
        image: MARIADB_IMAGE,
        inventory: { tables: expect.arrayContaining([{ name: 'orders', rows: 3000 }]) },
      });

      const restore = await addRestore(backup.id, 'new', { sourceKind: 'database', databaseId: target.id });
      expect(await timed('mariadb: restore into the new database', () => restoreRuns.handle({ restoreId: restore.id }, context()))).toEqual({
        ran: true,
        status: 'succeeded',
      });
      expect((await restores().findByIdAcrossTeams(restore.id))?.result).toEqual(backup.inventory);
      // Another database and user name: the dump names no database, so it lands in the new one.
      expect(contentOf(target, 'shop_copy', 'copy_app')).toEqual(sourceContent);
    });
  });

  describe('Redis', () => {
    const redis = (database: CreatedDatabase, ...command: string[]) =>
      dockerCli('exec', '-e', `REDISCLI_AUTH=${database.password}`, names.databaseAlias(database.id), 'redis-cli', '--no-raw', ...command);
    /** Every key with its type, its whole value (members sorted where Redis has no order) and whether it expires. */
    const CONTENT_SCRIPT = `
      local keys = redis.call('KEYS', '*')
      table.sort(keys)
      local out = {}
      for _, k in ipairs(keys) do
        local t = redis.call('TYPE', k).ok
        local v
        if t == 'string' then v = { redis.call('GET', k) }
        elseif t == 'list' then v = redis.call('LRANGE', k, 0, -1)
        elseif t == 'set' then v = redis.call('SMEMBERS', k); table.sort(v)
        elseif t == 'zset' then v = redis.call('ZRANGE', k, 0, -1, 'WITHSCORES')
        elseif t == 'hash' then
          local fields = redis.call('HKEYS', k); table.sort(fields)
          v = {}
          for _, f in ipairs(fields) do v[#v + 1] = f; v[#v + 1] = redis.call('HGET', k, f) end
        else v = { 'unexpected type' } end
        out[#out + 1] = k .. '\\0' .. t .. '\\0' .. tostring(redis.call('TTL', k) > 0) .. '\\0' .. table.concat(v, '\\0')
      end
      return #keys .. ' ' .. redis.sha1hex(table.concat(out, '\\n'))`;
    const contentOf = (database: CreatedDatabase) => redis(database, 'EVAL', CONTENT_SCRIPT, '0');

    it('backs up to S3, verifies in a throwaway container, and restores into a new database with the same keys and values', async () => {
      const [source, target] = await timed('redis: source and new database created', () =>
        Promise.all([createDatabase('redis', REDIS_IMAGE, null), createDatabase('redis', REDIS_IMAGE, null)]),
      );
      redis(
        source,
        'EVAL',
        `for i = 1, 3000 do redis.call('SET', 'key:' .. i, 'value ' .. i .. ' é') end
         redis.call('SET', 'binary', string.char(0, 255, 10, 13, 0))
         redis.call('HSET', 'profile', 'name', 'Ada', 'city', 'London', 'empty', '')
         redis.call('RPUSH', 'queue', 'c', 'a', 'b', 'a')
         redis.call('SADD', 'tags', 'x', 'y', 'z')
         redis.call('ZADD', 'scores', 3, 'three', 1.5, 'one and a half', -2, 'minus two')
         redis.call('SET', 'expiring', 'soon', 'EX', 86400)
         return redis.call('DBSIZE')`,
        '0',
      );
      const sourceContent = contentOf(source);
      expect(sourceContent).toMatch(/^"3006 [0-9a-f]{40}"$/);

      const backup = await backUpAndVerify('redis', { databaseId: source.id }, 'restored cleanly; 3006 keys match the dump');
      expect(backup).toMatchObject({ engine: 'redis', image: REDIS_IMAGE, inventory: { keys: 3006 } });

      redis(target, 'SET', 'only-in-the-new-one', 'x');
      const restore = await addRestore(backup.id, 'new', { sourceKind: 'database', databaseId: target.id });
      expect(await timed('redis: restore into the new database', () => restoreRuns.handle({ restoreId: restore.id }, context()))).toEqual({
        ran: true,
        status: 'succeeded',
      });
      expect((await restores().findByIdAcrossTeams(restore.id))?.result).toEqual({ keys: 3006 });
      // The RDB replaces the whole dataset: the new database's own key is gone, and the expiry kept.
      expect(contentOf(target)).toBe(sourceContent);
      expect(Number(/^\(integer\) (\d+)$/.exec(redis(target, 'TTL', 'expiring'))?.[1])).toBeGreaterThan(86_000);
    });
  });

  describe('an application volume', () => {
    const inVolume = (volume: string, script: string) =>
      dockerCli('run', '--rm', '--network', 'none', '-v', `${volume}:/v`, HELPER_IMAGE, 'sh', '-c', `cd /v && ${script}`);
    /** Every regular file's SHA-256, and every entry's type, mode, owner and link target, sorted. */
    const contentOf = (volume: string) =>
      inVolume(volume, "find . -type f -exec sha256sum {} + | sort && find . -exec stat -c '%F %a %u:%g %N' {} + | sort");

    it('backs up to S3, verifies in a throwaway volume by checksums, and restores over the volume after a safety backup', async () => {
      const application = await seedApplication(stores.dataSource, workspace, { name: 'files' });
      const mount = await seedVolume(stores.dataSource, { teamId: workspace.teamId, applicationId: application.id }, { name: 'data' });
      const volume = names.appVolume(application.id, 'data');
      // As a deployment names it, with the labels the backup ops check (the instance's namespace) and the volume role.
      dockerCli('volume', 'create', '--label', `${ZPANEL_LABELS.namespace}=${namespace}`, '--label', `${ZPANEL_LABELS.role}=volume`, volume);
      inVolume(
        volume,
        [
          'mkdir -p "uploads/2026/ünï cødé" cache/empty',
          'head -c 2000000 /dev/urandom > uploads/2026/photo.bin',
          'echo "hello" > "uploads/2026/ünï cødé/note.txt"',
          'echo secret > .hidden && chmod 600 .hidden && chown 999:999 .hidden',
          ': > empty-file',
          'ln -s uploads/2026/photo.bin latest',
        ].join(' && '),
      );
      const sourceContent = contentOf(volume);

      const backup = await backUpAndVerify(
        'volume',
        { volumeId: mount.id },
        'restored cleanly; 4 files, 2000013 bytes, their checksums match the dump',
      );
      expect(backup.inventory).toEqual({ files: 4, bytes: 2000013, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });

      // What the application did since: a file changed in place (same size), one removed, one added, a mode changed.
      inVolume(
        volume,
        'printf X | dd of=uploads/2026/photo.bin bs=1 count=1 conv=notrunc 2>/dev/null && rm empty-file && echo new > added.txt && chmod 644 .hidden',
      );
      expect(contentOf(volume)).not.toBe(sourceContent);

      const restore = await addRestore(backup.id, 'same', { sourceKind: 'volume', volumeId: mount.id });
      expect(await timed('volume: safety backup and restore over it', () => restoreRuns.handle({ restoreId: restore.id }, context()))).toEqual({
        ran: true,
        status: 'succeeded',
      });
      expect(contentOf(volume)).toBe(sourceContent);
      // The safety backup holds what the restore replaced.
      const { safetyBackupId } = (await restores().findByIdAcrossTeams(restore.id))!;
      const safety = (await backups().findByIdAcrossTeams(safetyBackupId!))!;
      expect(safety).toMatchObject({ status: 'succeeded', trigger: 'safety', inventory: { files: 4, bytes: 2000013 + 4 } });
      expect(safety.inventory?.digest).not.toBe(backup.inventory?.digest);
    });

    it('verifies a backup of a volume an application writes to throughout it: the inventory is counted in the dump itself', async () => {
      const application = await seedApplication(stores.dataSource, workspace, { name: 'busy' });
      const mount = await seedVolume(stores.dataSource, { teamId: workspace.teamId, applicationId: application.id }, { name: 'logs' });
      const volume = names.appVolume(application.id, 'logs');
      dockerCli('volume', 'create', '--label', `${ZPANEL_LABELS.namespace}=${namespace}`, '--label', `${ZPANEL_LABELS.role}=volume`, volume);
      inVolume(volume, 'head -c 1000000 /dev/urandom > data.bin && echo start > app.log && printf 00000000 > state');
      // The application: appends a line to its log every 2 ms and rewrites a small state file in place (`1<>`: not
      // truncated, as a database rewrites its pages; a file truncated while tar reads it fails the dump), for the whole backup.
      const writer = `${namespace}-busy-writer`;
      dockerCli(
        'run',
        '-d',
        '--name',
        writer,
        '--label',
        `${ZPANEL_LABELS.namespace}=${namespace}`,
        '--network',
        'none',
        '-v',
        `${volume}:/v`,
        HELPER_IMAGE,
        'sh',
        '-c',
        'cd /v; n=0; while :; do n=$((n+1)); echo "line $n" >> app.log; printf "%08d" $n 1<> state; usleep 2000; done',
      );
      try {
        const logBytes = () => Number(inVolume(volume, 'stat -c %s app.log'));
        const before = logBytes();
        const backup = await backUpAndVerify(
          'busy volume',
          { volumeId: mount.id },
          /^restored cleanly; 3 files, \d+ bytes, their checksums match the dump$/,
        );
        // The log grew while the backup ran: what was recorded is neither what was there before nor what is there after.
        const after = logBytes();
        const recorded = backup.inventory!.bytes! - 1000000 - 8;
        expect(recorded).toBeGreaterThan(before);
        expect(after).toBeGreaterThan(recorded);
      } finally {
        dockerCli('rm', '-f', writer);
      }
    });
  });
});
