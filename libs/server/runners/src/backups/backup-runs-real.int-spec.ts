import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { AddressPolicy, type AppConfig, createLogger, generateDatabasePassword, newBackupDataKey, sealBackupDataKey } from '@zpanel/core';
import {
  AlertEventsRepository,
  ApplicationMountsRepository,
  ApplicationsRepository,
  BackupSchedulesRepository,
  BackupsRepository,
  DatabaseOperationsRepository,
  DatabasesRepository,
  type RestoreEntity,
  RestoresRepository,
  backupSecretKeyAad,
  databasePasswordAad,
  teamScope,
  TeamsRepository,
} from '@zpanel/database';
import {
  type SeededEnvironment,
  type SeededTeam,
  seedBackup,
  seedBackupDestination,
  seedBackupSchedule,
  seedDatabase,
  seedDatabaseOperation,
} from '@zpanel/database/testing';
import type { JobContext } from '@zpanel/queue';
import { S3ObjectStore } from '@zpanel/remote';
import { DisposableS3Server, dockerCli, seedBackupWorkspaceOnS3, freePort, removeDockerNamespace, waitFor } from '@zpanel/testing';
import { DATABASE_OPERATION_TIMINGS, DatabaseOperationHandler } from '../databases/database-operation.handler';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { namespacedTestConfig, queueProducer, useWorkerHarness } from '../worker-stores.testing';
import type { BackupRunHandler } from './backup-run.handler';
import { backupRunHandler, backupRunParts, startBackupWorkerProcess } from './backup-runs.testing';
import { BackupSchedulesTickHandler } from './backup-schedules-tick.handler';
import { BACKUP_WORKER_LOST_REASON, BackupsReaperHandler } from './backups-reaper.handler';
import { RestoreRunHandler } from './restore-run.handler';
import { eventNotificationsOver } from '../notifications/event-notifications.testing';

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

  const world = () => ({ dataSource: stores.dataSource, sshPool: pool, live: stores.live, box, config, logger });

  let sourceId: string;

  beforeAll(async () => {
    s3 = await DisposableS3Server.start();
    ({ workspace, destinationId } = await seedBackupWorkspaceOnS3(stores.dataSource, box, s3, 'real-backups'));

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
    backupRuns = backupRunHandler(world(), 'test-worker');
    const { resources, followUps } = backupRunParts(world());
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
      eventNotificationsOver(stores.dataSource).notifications,
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

  /** What went wrong with the real parts: storage down mid-upload, a killed worker, a changed object, retention, a missed schedule. */
  describe('when something fails', () => {
    /** A lease short enough to wait for; the handlers beat every 500 ms. */
    const LEASE_TTL_MS = 2_000;
    const MISSED_GRACE_MS = 1_500;
    const quick: AppConfig = {
      ...config,
      runs: { ...config.runs, leaseTtlMs: LEASE_TTL_MS },
      backups: { ...config.backups, missedGraceMs: MISSED_GRACE_MS },
    };
    // The reaper and the tick only queue through it; nothing here reads the queue, and every job counts as waiting.
    const producer = queueProducer({ add: async () => ({ id: 'job' }), getJob: async () => ({ getState: async () => 'waiting' }) } as never);
    let reaper: BackupsReaperHandler;
    let tick: BackupSchedulesTickHandler;
    let bulkyId: string;
    const store = () => new S3ObjectStore({ ...s3.settings, prefix: 'zp' }, { policy: new AddressPolicy(config.network) });
    /** The keys the bucket lists for a database's backups. */
    const storedOf = async (databaseId: string) =>
      (await store().list(`${workspace.teamId}/database-${databaseId}/`)).map((object) => object.key).sort();
    const verificationOf = async (backupId: string) =>
      (await restores().pageOf(teamScope(workspace.teamId), { skip: 0, take: 5 }, { backupId }))[0].find((restore) => restore.target === 'verify');
    const noMultipartLeft = () =>
      waitFor(async () => ((await s3.pendingMultipartUploads()).length === 0 ? true : undefined), 30_000, 'the multipart upload aborted', 250);

    beforeAll(async () => {
      reaper = new BackupsReaperHandler(
        stores.dataSource,
        backups(),
        producer,
        stores.live,
        quick,
        logger,
        eventNotificationsOver(stores.dataSource).notifications,
      );
      tick = new BackupSchedulesTickHandler(
        new BackupSchedulesRepository(manager()),
        backups(),
        new DatabasesRepository(manager()),
        new ApplicationMountsRepository(manager()),
        new ApplicationsRepository(manager()),
        new TeamsRepository(manager()),
        new AlertEventsRepository(manager()),
        producer,
        quick,
        logger,
        eventNotificationsOver(stores.dataSource).notifications,
      );
      bulkyId = await createDatabase();
      // 24 MiB of random bytes: zstd cannot shrink them, so the upload is three 8 MiB parts and more, in flight for a while.
      psql(
        bulkyId,
        `CREATE TABLE noise (id int PRIMARY KEY, body bytea); ` +
          `INSERT INTO noise SELECT g, decode(string_agg(md5(random()::text || g || i), ''), 'hex') FROM generate_series(1, 768) g, generate_series(1, 2048) i GROUP BY g`,
      );
    });

    it("fails with the storage's words when the S3 server stops mid-upload; once it is back, the multipart upload is aborted and nothing is listed", async () => {
      const queued = await queueBackup(bulkyId, true);
      const stopped = s3.nextPartStored().then(async (part) => {
        await s3.stop();
        return part;
      });
      try {
        expect(await backupRuns.handle({ backupId: queued.id }, context())).toEqual({ ran: true, status: 'failed' });
        // Cut after the first part was stored: the multipart upload was really under way.
        expect(await stopped).toMatchObject({ partNumber: expect.any(Number) });
        const backup = (await backups().findByIdAcrossTeams(queued.id))!;
        expect(backup).toMatchObject({
          status: 'failed',
          reasonCode: 'backup.upload_failed',
          location: null,
          sizeBytes: null,
          sha256: null,
          verification: 'none',
        });
        expect(backup.reason).toMatch(/^The upload to loopback-s3 failed: could not reach http:\/\/127\.0\.0\.1:\d+/);
        expect(await verificationOf(queued.id)).toBeUndefined();
        // The stored parts wait while the server is down: only an abort removes them.
        expect(await s3.pendingMultipartUploads()).toHaveLength(1);
      } finally {
        await s3.start();
      }
      await noMultipartLeft();
      expect(await storedOf(bulkyId)).toEqual([]);
    });

    it('fails the backup of a worker process killed mid-upload within the run lease, and the next backup succeeds', async () => {
      const queued = await queueBackup(bulkyId, false);
      const firstPart = s3.nextPartStored();
      // A worker process of its own (its database, Redis and SSH connections), killed as the first part is stored.
      const worker = startBackupWorkerProcess(queued.id, config);
      try {
        const first = await Promise.race([firstPart.then(() => 'part stored'), worker.exited.then(() => 'worker exited')]);
        expect({ first, stderr: worker.stderr() }).toEqual({ first: 'part stored', stderr: expect.any(String) });
        expect(await backups().findByIdAcrossTeams(queued.id)).toMatchObject({ status: 'running' });
      } finally {
        worker.child.kill('SIGKILL');
      }
      const killedAt = Date.now();
      expect(await worker.exited).toBe('SIGKILL');

      await waitFor(
        async () => ((await reaper.handle()).failed > 0 && (await backups().findByIdAcrossTeams(queued.id))!.status === 'failed') || undefined,
        LEASE_TTL_MS + 8_000,
        "the killed worker's backup to be failed",
        250,
      );
      const failedAfterMs = Date.now() - killedAt;
      process.stdout.write(`killed worker's backup failed ${failedAfterMs} ms after the kill (lease ${LEASE_TTL_MS} ms)\n`);
      expect(failedAfterMs).toBeLessThan(LEASE_TTL_MS + 3_000);
      expect(await backups().findByIdAcrossTeams(queued.id)).toMatchObject({
        status: 'failed',
        reasonCode: 'backup.worker_stopped',
        reason: BACKUP_WORKER_LOST_REASON,
        location: null,
        sizeBytes: null,
      });
      // Its multipart upload is never completed, so nothing of it is listed; its parts wait for the bucket's lifecycle rule.
      expect(await storedOf(bulkyId)).toEqual([]);
      expect(await s3.pendingMultipartUploads()).toHaveLength(1);

      // The server's backup slot is free again: the next backup runs and succeeds (a slot still taken would stop the wait at the signal).
      const next = await queueBackup(bulkyId, false);
      expect(await backupRuns.handle({ backupId: next.id }, { ...context(), signal: AbortSignal.timeout(60_000) })).toEqual({
        ran: true,
        status: 'succeeded',
      });
      const stored = (await backups().findByIdAcrossTeams(next.id))!;
      expect(Number(stored.sizeBytes)).toBeGreaterThan(3 * 8 * 1024 * 1024);
      expect(await storedOf(bulkyId)).toEqual([stored.location]);
    });

    it('catches a stored object changed at the destination when verifying, and a wrong data key too: backup.integrity_failed, verification failed', async () => {
      const queued = await queueBackup(sourceId, true);
      expect(await backupRuns.handle({ backupId: queued.id }, context())).toEqual({ ran: true, status: 'succeeded' });
      const { location } = (await backups().findByIdAcrossTeams(queued.id))!;
      // One byte in the middle, put back in place through the S3 API, with the object's metadata.
      const bucket = store();
      const bytes = Buffer.concat(await (await bucket.get(location!)).toArray());
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      const { metadata } = (await bucket.head(location!))!;
      await bucket.put(location!, Readable.from([bytes]), { signal: new AbortController().signal, metadata });

      const verification = (await verificationOf(queued.id))!;
      expect(await restoreRuns.handle({ restoreId: verification.id }, context())).toEqual({ ran: true, status: 'failed' });
      expect(await restores().findByIdAcrossTeams(verification.id)).toMatchObject({ status: 'failed', reasonCode: 'backup.integrity_failed' });
      expect(await backups().findByIdAcrossTeams(queued.id)).toMatchObject({ status: 'succeeded', verification: 'failed' });

      // An intact object read with another key than it was encrypted with fails the same way.
      const intact = await queueBackup(sourceId, true);
      expect(await backupRuns.handle({ backupId: intact.id }, context())).toEqual({ ran: true, status: 'succeeded' });
      const [{ data_key: sealedKey }] = (await stores.dataSource.query(`SELECT "data_key" FROM "backup_destinations" WHERE "id" = $1`, [
        destinationId,
      ])) as { data_key: string }[];
      await stores.dataSource.query(`UPDATE "backup_destinations" SET "data_key" = $2 WHERE "id" = $1`, [
        destinationId,
        sealBackupDataKey(box, destinationId, newBackupDataKey()),
      ]);
      try {
        const check = (await verificationOf(intact.id))!;
        expect(await restoreRuns.handle({ restoreId: check.id }, context())).toEqual({ ran: true, status: 'failed' });
        expect(await restores().findByIdAcrossTeams(check.id)).toMatchObject({ status: 'failed', reasonCode: 'backup.integrity_failed' });
        expect(await backups().findByIdAcrossTeams(intact.id)).toMatchObject({ verification: 'failed' });
      } finally {
        await stores.dataSource.query(`UPDATE "backup_destinations" SET "data_key" = $2 WHERE "id" = $1`, [destinationId, sealedKey]);
      }
      // No throwaway container is left behind by a failed verification.
      expect(dockerCli('ps', '-aq', '--filter', `label=zpanel.namespace=${namespace}`, '--filter', 'label=zpanel.role=backup-scratch')).toBe('');
    });

    it("prunes a schedule's backups beyond its count from the bucket once a newer one is stored, and marks their rows pruned", async () => {
      const schedule = await seedBackupSchedule(
        stores.dataSource,
        { teamId: workspace.teamId, destinationId, databaseId: sourceId },
        { retentionCount: 2, verifyAfterBackup: true },
      );
      const made: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const queued = await seedBackup(
          stores.dataSource,
          { teamId: workspace.teamId, destinationId, databaseId: sourceId, serverId: workspace.serverId },
          { scheduleId: schedule.id, trigger: 'schedule', verifyAfterBackup: true },
        );
        expect(await backupRuns.handle({ backupId: queued.id }, context())).toEqual({ ran: true, status: 'succeeded' });
        expect(await restoreRuns.handle({ restoreId: (await verificationOf(queued.id))!.id }, context())).toEqual({ ran: true, status: 'succeeded' });
        made.push(queued.id);
      }
      const rows = await Promise.all(made.map(async (id) => (await backups().findByIdAcrossTeams(id))!));

      expect(rows.map((row) => row.status)).toEqual(['pruned', 'succeeded', 'succeeded']);
      expect(rows.slice(1).map((row) => row.verification)).toEqual(['verified', 'verified']);
      const listed = await storedOf(sourceId);
      expect(listed).not.toContain(rows[0].location);
      expect(listed).toEqual(expect.arrayContaining([rows[1].location, rows[2].location]));
      expect(await store().head(rows[0].location!)).toBeNull();
      expect(rows[2].log).toContain('Retention removed 1 of 1 expired backup.');
    });

    it('marks a schedule missed when its backup failed (the destination unreachable) through the tick, and not one whose backup succeeded', async () => {
      const goneId = randomUUID();
      await seedBackupDestination(stores.dataSource, workspace, {
        id: goneId,
        name: 'gone-s3',
        ...s3.settings,
        // Nothing listens there.
        endpoint: `http://127.0.0.1:${await freePort()}`,
        prefix: 'zp',
        secretAccessKey: box.seal(s3.secretAccessKey, backupSecretKeyAad(goneId)),
        dataKey: sealBackupDataKey(box, goneId, newBackupDataKey()),
      });
      // Due now; the next slot is months away, so no slot comes while the test runs.
      const due = { cron: '0 0 1 1 *', nextRunAt: new Date(Date.now() - 1_000), verifyAfterBackup: false };
      const failing = await seedBackupSchedule(stores.dataSource, { teamId: workspace.teamId, destinationId: goneId, databaseId: sourceId }, due);
      const healthy = await seedBackupSchedule(stores.dataSource, { teamId: workspace.teamId, destinationId, databaseId: sourceId }, due);

      await tick.handle();
      for (const schedule of [failing, healthy]) {
        const [[fired]] = await backups().pageOf(teamScope(workspace.teamId), { skip: 0, take: 5 }, { scheduleId: schedule.id });
        expect(fired).toMatchObject({ trigger: 'schedule', status: 'queued' });
        await backupRuns.handle({ backupId: fired.id }, context());
      }
      const [[failed]] = await backups().pageOf(teamScope(workspace.teamId), { skip: 0, take: 5 }, { scheduleId: failing.id });
      expect(failed).toMatchObject({ status: 'failed', reasonCode: 'backup.upload_failed' });
      expect(failed.reason).toMatch(/^The upload to gone-s3 failed: could not reach/);

      const slot = (await new BackupSchedulesRepository(manager()).findByIdAcrossTeams(failing.id))!.lastRunAt!;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, slot.getTime() + MISSED_GRACE_MS + 100 - Date.now())));
      await tick.handle();
      expect(await new BackupSchedulesRepository(manager()).findByIdAcrossTeams(failing.id)).toMatchObject({ missedSince: slot });
      expect(await new BackupSchedulesRepository(manager()).findByIdAcrossTeams(healthy.id)).toMatchObject({ missedSince: null });
    });
  });
});
