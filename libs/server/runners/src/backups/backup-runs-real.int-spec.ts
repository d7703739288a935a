import { randomUUID } from 'node:crypto';
import { AddressPolicy, type AppConfig, createLogger, generateDatabasePassword, newBackupDataKey, sealBackupDataKey } from '@zpanel/core';
import {
  ApplicationMountsRepository,
  ApplicationsRepository,
  BackupDestinationsRepository,
  BackupSchedulesRepository,
  BackupsRepository,
  DatabaseOperationsRepository,
  DatabasesRepository,
  type RestoreEntity,
  RestoresRepository,
  backupSecretKeyAad,
  databasePasswordAad,
  teamScope,
} from '@zpanel/database';
import {
  type SeededEnvironment,
  type SeededTeam,
  seedBackup,
  seedBackupDestination,
  seedDatabase,
  seedDatabaseOperation,
  seedEnvironment,
  seedTeamWithServer,
} from '@zpanel/database/testing';
import type { JobContext } from '@zpanel/queue';
import type { DataSource } from 'typeorm';
import { S3ObjectStore } from '@zpanel/remote';
import { DisposableS3Server, dockerCli, removeDockerNamespace, testServerAddress, testServerKey } from '@zpanel/testing';
import { DATABASE_OPERATION_TIMINGS, DatabaseOperationHandler } from '../databases/database-operation.handler';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { namespacedTestConfig, queueProducer, useWorkerHarness } from '../worker-stores.testing';
import { BackupFollowUps } from './backup-follow-ups';
import { BackupParts } from './backup-parts';
import { BackupResources } from './backup-resources';
import { BackupRunHandler } from './backup-run.handler';
import { DestinationStores } from './destination-stores';
import { RestoreRunHandler } from './restore-run.handler';

const IMAGE = 'zpanel-test/postgres:15';

// Each case backs up about 20 MB and starts engines (a throwaway one to verify): about a minute on a loaded 2-core machine.
jest.setTimeout(240_000);

/**
 * Backups with the real parts: a PostgreSQL of the test server's Docker (over SSH, as the worker
 * reaches servers), the real dump and restore tools (DockerBackupOps), zstd + AES-256-GCM, and a real
 * S3 server on loopback (DisposableS3Server) behind the production BackupParts.
 */
describe('backup runs with the real parts', () => {
  const { config: namespaced, namespace, names } = namespacedTestConfig();
  const { box, stores, pool } = useWorkerHarness('backup-runs-real-test', namespaced);
  const config: AppConfig = { ...namespaced, backups: { ...namespaced.backups, helperImage: 'zpanel-test/busybox:latest' } };
  const logger = createLogger({ level: 'silent', name: 'test' });
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
  const psql = (databaseId: string, sql: string) =>
    dockerCli('exec', names.databaseAlias(databaseId), 'psql', '-U', 'shop_app', '-d', 'shop', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql);
  /** A checksum of every row of the tables, to compare a restored copy with its source. */
  const contentOf = (databaseId: string) =>
    psql(databaseId, `SELECT count(*) || ':' || md5(string_agg(id || '/' || item, ',' ORDER BY id)) FROM orders`) +
    psql(databaseId, `SELECT count(*) || ':' || md5(string_agg(md5(body), ',' ORDER BY id)) FROM blobs`);

  async function createDatabase(): Promise<string> {
    const id = randomUUID();
    const password = generateDatabasePassword();
    await seedDatabase(stores.dataSource, workspace, {
      password: () => box.seal(password, databasePasswordAad(id)),
      database: {
        id,
        name: `pg-${id.slice(0, 6)}`,
        engine: 'postgresql',
        image: IMAGE,
        databaseName: 'shop',
        userName: 'shop_app',
        status: 'creating',
      },
    });
    const create = await seedDatabaseOperation(stores.dataSource, { teamId: workspace.teamId, id }, { kind: 'create' });
    await databaseOps.handle({ operationId: create.id }, context());
    expect(await new DatabasesRepository(manager()).find(teamScope(workspace.teamId), id)).toMatchObject({ status: 'running' });
    return id;
  }

  const queueBackup = (databaseId: string, verifyAfterBackup: boolean) =>
    seedBackup(stores.dataSource, { teamId: workspace.teamId, destinationId, databaseId, serverId: workspace.serverId }, { verifyAfterBackup });
  const addRestore = async (backupId: string, target: 'verify' | 'new', databaseId: string | null): Promise<RestoreEntity> =>
    (await restores().addQueued(teamScope(workspace.teamId), {
      backupId,
      sourceKind: 'database',
      target,
      databaseId,
      volumeId: null,
      serverId: workspace.serverId,
      userId: null,
      tokenId: null,
      actorName: 'test',
    }))!;

  /** What the runs are built from in the worker, over a worker's connections (its database, its SSH pool). */
  function runPartsOver(dataSource: DataSource, sshPool: WorkerSshPool) {
    const m = dataSource.manager;
    const targets = serverTargetsOver(dataSource, box);
    const resources = new BackupResources(
      new BackupDestinationsRepository(m),
      new DatabasesRepository(m),
      new ApplicationMountsRepository(m),
      new ApplicationsRepository(m),
      targets,
      new BackupParts(sshPool, new DestinationStores(targets, sshPool, config), box, config),
      box,
      config,
    );
    const producer = queueProducer({ add: async () => ({ id: 'job' }) } as never);
    const followUps = new BackupFollowUps(new BackupsRepository(m), new BackupSchedulesRepository(m), new RestoresRepository(m), producer, logger);
    return { resources, followUps };
  }

  function backupHandlerOver(dataSource: DataSource, sshPool: WorkerSshPool, workerId: string): BackupRunHandler {
    const { resources, followUps } = runPartsOver(dataSource, sshPool);
    const handler = new BackupRunHandler(
      dataSource,
      new BackupsRepository(dataSource.manager),
      resources,
      followUps,
      stores.live,
      config,
      logger,
      workerId,
    );
    handler.timings = { ...handler.timings, heartbeatMs: 500, logBatchMs: 50, busyPollMs: 200 };
    return handler;
  }

  let sourceId: string;

  beforeAll(async () => {
    s3 = await DisposableS3Server.start();
    const seeded = await seedTeamWithServer(stores.dataSource, {
      team: 'real-backups',
      server: { ...testServerAddress(), name: 'backup-server', status: 'ready' },
      privateKey: testServerKey(box),
    });
    workspace = { ...seeded, ...(await seedEnvironment(stores.dataSource, seeded)) };
    destinationId = randomUUID();
    await seedBackupDestination(stores.dataSource, workspace, {
      id: destinationId,
      name: 'loopback-s3',
      ...s3.settings,
      prefix: 'zp',
      secretAccessKey: box.seal(s3.secretAccessKey, backupSecretKeyAad(destinationId)),
      dataKey: sealBackupDataKey(box, destinationId, newBackupDataKey()),
    });

    databaseOps = new DatabaseOperationHandler(
      stores.dataSource,
      new DatabaseOperationsRepository(manager()),
      new DatabasesRepository(manager()),
      new ApplicationsRepository(manager()),
      serverTargetsOver(stores.dataSource, box),
      pool,
      stores.live,
      box,
      config,
      logger,
      'test-worker',
    );
    databaseOps.timings = { ...DATABASE_OPERATION_TIMINGS, heartbeatMs: 500, logBatchMs: 50 };
    backupRuns = backupHandlerOver(stores.dataSource, pool, 'test-worker');
    const { resources, followUps } = runPartsOver(stores.dataSource, pool);
    restoreRuns = new RestoreRunHandler(
      stores.dataSource,
      restores(),
      backups(),
      new DatabasesRepository(manager()),
      resources,
      backupRuns,
      followUps,
      stores.live,
      config,
      logger,
      'test-worker',
    );
    restoreRuns.timings = { ...restoreRuns.timings, heartbeatMs: 500, logBatchMs: 50, busyPollMs: 200 };

    sourceId = await createDatabase();
    psql(sourceId, `CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders SELECT g, 'item ' || g FROM generate_series(1, 2000) g`);
    // About 20 MB that compresses to about half: several 8 MiB parts of a multipart upload.
    psql(
      sourceId,
      `CREATE TABLE blobs (id int PRIMARY KEY, body text); INSERT INTO blobs SELECT g, repeat(md5(random()::text), 128) FROM generate_series(1, 5000) g`,
    );
  });
  afterAll(async () => {
    removeDockerNamespace(namespace);
    await s3?.dispose();
  });

  it('backs a PostgreSQL database up to S3, checked and recorded, then verifies it in a throwaway container of the same image', async () => {
    const queued = await queueBackup(sourceId, true);
    expect(await backupRuns.handle({ backupId: queued.id }, context())).toEqual({ ran: true, status: 'succeeded' });

    const backup = (await backups().findByIdAcrossTeams(queued.id))!;
    expect(backup).toMatchObject({ status: 'succeeded', engine: 'postgresql', image: IMAGE, verification: 'pending' });
    expect(backup.inventory?.tables).toEqual([
      { name: 'public.blobs', rows: 5000 },
      { name: 'public.orders', rows: 2000 },
    ]);
    const listed = await new S3ObjectStore({ ...s3.settings, prefix: 'zp' }, { policy: new AddressPolicy(config.network) }).list('');
    expect(listed.map((object) => [object.key, object.sizeBytes])).toEqual([[backup.location, Number(backup.sizeBytes)]]);

    const [verification] = (await restores().pageOf(teamScope(workspace.teamId), { skip: 0, take: 5 }, { backupId: queued.id }))[0];
    expect(await restoreRuns.handle({ restoreId: verification.id }, context())).toEqual({ ran: true, status: 'succeeded' });
    expect(await backups().findByIdAcrossTeams(queued.id)).toMatchObject({
      verification: 'verified',
      verificationDetail: 'restored cleanly; 2 tables and 7000 rows match the dump',
    });
    // The throwaway container is gone.
    expect(dockerCli('ps', '-aq', '--filter', `label=zpanel.namespace=${namespace}`, '--filter', 'label=zpanel.role=backup-scratch')).toBe('');
  });

  it('restores a backup into a new database with the same rows', async () => {
    const queued = await queueBackup(sourceId, false);
    await backupRuns.handle({ backupId: queued.id }, context());
    const targetId = await createDatabase();

    const restore = await addRestore(queued.id, 'new', targetId);
    expect(await restoreRuns.handle({ restoreId: restore.id }, context())).toEqual({ ran: true, status: 'succeeded' });

    expect(contentOf(targetId)).toBe(contentOf(sourceId));
  });
});
