import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { type BackupInventory, type BackupRunLiveEvent, JobName, LiveTopics, QueueName } from '@zpanel/contracts';
import { type AppConfig, createLogger, newBackupDataKey, sealBackupDataKey } from '@zpanel/core';
import {
  AlertEventsRepository,
  ApplicationMountsRepository,
  ApplicationsRepository,
  type BackupEntity,
  BackupDestinationsRepository,
  BackupSchedulesRepository,
  BackupsRepository,
  DatabasesRepository,
  RestoresRepository,
  TeamsRepository,
  databasePasswordAad,
  teamScope,
  toAlertEventDto,
} from '@zpanel/database';
import {
  type SeededEnvironment,
  type SeededTeam,
  seedBackup,
  seedBackupDestination,
  seedBackupSchedule,
  seedDatabase,
  seedEnvironment,
  seedTeamWithServer,
  notificationEventsAbout,
} from '@zpanel/database/testing';
import { type JobContext, bullConnection } from '@zpanel/queue';
import { FakeBackupOps, FakeObjectStore } from '@zpanel/remote/testing';
import { testServerAddress, testServerKey, waitFor } from '@zpanel/testing';
import { Queue } from 'bullmq';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { queueProducer, useWorkerHarness } from '../worker-stores.testing';
import { BackupFollowUps } from './backup-follow-ups';
import { BackupParts } from './backup-parts';
import { BackupResources } from './backup-resources';
import { BackupRunHandler } from './backup-run.handler';
import { DestinationStores } from './destination-stores';
import { BackupSchedulesTickHandler } from './backup-schedules-tick.handler';
import { BACKUP_WORKER_LOST_REASON, BackupsReaperHandler } from './backups-reaper.handler';
import { RestoreRunHandler } from './restore-run.handler';
import { eventNotificationsOver } from '../notifications/event-notifications.testing';

const INVENTORY: BackupInventory = {
  tables: [
    { name: 'public.users', rows: 3 },
    { name: 'public.orders', rows: 12 },
  ],
};

/**
 * Backup and restore runs as the worker runs them, against the run's real Postgres and Redis (rows,
 * lease, live topics, queue), with the server's Docker and the destination faked (FakeBackupOps,
 * FakeObjectStore): what the runs decide and record. backup-runs-real.int-spec.ts runs the real parts.
 */
describe('backup and restore runs', () => {
  const harness = useWorkerHarness('backup-runs-test');
  const { box, stores, pool } = harness;
  const config: AppConfig = { ...harness.config, backups: { ...harness.config.backups, missedGraceMs: 60_000 } };
  const logger = createLogger({ level: 'silent', name: 'test' });
  let queue: Queue;
  let ops: FakeBackupOps;
  let store: FakeObjectStore;
  let workspace: SeededTeam & SeededEnvironment;
  let databaseId: string;
  let databaseName: string;
  let destinationId: string;
  let backupRuns: BackupRunHandler;
  let restoreRuns: RestoreRunHandler;
  let reaper: BackupsReaperHandler;
  let tick: BackupSchedulesTickHandler;
  const context = (): JobContext => ({ jobId: 'job', attempt: 1, signal: new AbortController().signal });
  const repo = {
    backups: () => new BackupsRepository(stores.dataSource.manager),
    restores: () => new RestoresRepository(stores.dataSource.manager),
    schedules: () => new BackupSchedulesRepository(stores.dataSource.manager),
    alerts: () => new AlertEventsRepository(stores.dataSource.manager),
  };
  const backupRow = async (id: string) => (await repo.backups().findByIdAcrossTeams(id))!;
  /** The kinds and titles of the notification events about a backup (or restore, alert), oldest first. */
  const notifiedAbout = async (subjectId: string) =>
    (await notificationEventsAbout(stores.dataSource, subjectId)).map((event) => ({ kind: event.kind, title: event.title }));
  const events = async (id: string) => (await stores.live.range(LiveTopics.backup(id), '0')).map((entry) => entry.event as BackupRunLiveEvent);
  const queueBackup = (over: Partial<BackupEntity> = {}) =>
    seedBackup(
      stores.dataSource,
      { teamId: workspace.teamId, destinationId, databaseId, serverId: workspace.serverId },
      { verifyAfterBackup: false, ...over },
    );
  /** The verification restore a succeeded backup queued. */
  const verificationOf = async (backupId: string) => {
    const [restores] = await repo.restores().pageOf({ teamId: workspace.teamId } as never, { skip: 0, take: 10 }, { backupId });
    return restores.find((restore) => restore.target === 'verify');
  };

  beforeAll(async () => {
    queue = new Queue(QueueName.Backups, bullConnection(config));
    const seeded = await seedTeamWithServer(stores.dataSource, {
      team: 'backups',
      server: { ...testServerAddress(), name: 'backup-server', status: 'ready' },
      privateKey: testServerKey(box),
    });
    workspace = { ...seeded, ...(await seedEnvironment(stores.dataSource, seeded)) };
    const db = await seedDatabase(stores.dataSource, workspace, {
      password: (id) => box.seal('db-secret-password', databasePasswordAad(id)),
      database: { engine: 'postgresql', image: 'postgres:16', status: 'running' },
    });
    databaseId = db.id;
    databaseName = db.name;
    destinationId = randomUUID();
    await seedBackupDestination(stores.dataSource, workspace, {
      id: destinationId,
      name: 'offsite',
      dataKey: sealBackupDataKey(box, destinationId, newBackupDataKey()),
    });

    const parts = new BackupParts(pool, new DestinationStores(serverTargetsOver(stores.dataSource, box), pool, config), box, config);
    parts.world = {
      opsFor: () => ({ ops, release: () => undefined }),
      storeFor: async () => ({ store, release: () => undefined }),
      instanceDatabase: () => {
        throw new Error('not in this spec');
      },
    };
    const manager = stores.dataSource.manager;
    const resources = new BackupResources(
      new BackupDestinationsRepository(manager),
      new DatabasesRepository(manager),
      new ApplicationMountsRepository(manager),
      new ApplicationsRepository(manager),
      serverTargetsOver(stores.dataSource, box),
      parts,
      box,
      config,
    );
    const producer = queueProducer(queue);
    const notifications = eventNotificationsOver(stores.dataSource).notifications;
    const followUps = new BackupFollowUps(
      repo.backups(),
      repo.schedules(),
      repo.restores(),
      new AlertEventsRepository(stores.dataSource.manager),
      producer,
      logger,
      notifications,
    );
    backupRuns = new BackupRunHandler(
      stores.dataSource,
      repo.backups(),
      resources,
      followUps,
      stores.live,
      config,
      logger,
      'test-worker',
      notifications,
    );
    restoreRuns = new RestoreRunHandler(
      stores.dataSource,
      repo.restores(),
      repo.backups(),
      new DatabasesRepository(manager),
      resources,
      backupRuns,
      followUps,
      stores.live,
      config,
      logger,
      'test-worker',
      notifications,
    );
    for (const handler of [backupRuns, restoreRuns])
      handler.timings = { ...handler.timings, heartbeatMs: 200, cancelPollMs: 100, logBatchMs: 20, busyPollMs: 100 };
    reaper = new BackupsReaperHandler(stores.dataSource, repo.backups(), producer, stores.live, config, logger, notifications);
    tick = new BackupSchedulesTickHandler(
      repo.schedules(),
      repo.backups(),
      new DatabasesRepository(manager),
      new ApplicationMountsRepository(manager),
      new ApplicationsRepository(manager),
      new TeamsRepository(manager),
      new AlertEventsRepository(manager),
      producer,
      config,
      logger,
      notifications,
    );
  });
  beforeEach(async () => {
    ops = new FakeBackupOps();
    ops.setDatabase(databaseId, { engine: 'postgresql', inventory: INVENTORY, fillerBytes: 300 * 1024 });
    store = new FakeObjectStore();
    await queue.obliterate({ force: true });
    await stores.dataSource.query(`DELETE FROM "restores" WHERE "team_id" = $1`, [workspace.teamId]);
    await stores.dataSource.query(`DELETE FROM "backups" WHERE "team_id" = $1`, [workspace.teamId]);
    await stores.dataSource.query(`DELETE FROM "backup_schedules" WHERE "team_id" = $1`, [workspace.teamId]);
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('stores a checked backup, records it, then verifies it by restoring it into a throwaway container that is removed after', async () => {
    const queued = await queueBackup({ verifyAfterBackup: true });

    expect(await backupRuns.handle({ backupId: queued.id }, context())).toEqual({ ran: true, status: 'succeeded' });

    const backup = await backupRow(queued.id);
    expect(backup).toMatchObject({
      status: 'succeeded',
      reason: null,
      engine: 'postgresql',
      image: 'postgres:16',
      compression: 'zstd',
      inventory: INVENTORY,
      verification: 'pending',
    });
    expect(backup.location).toMatch(new RegExp(`^${workspace.teamId}/database-${databaseId}/\\d{4}-\\d\\d-\\d\\d-\\d{6}-${queued.id}\\.zpbk$`));
    const stored = store.bytes(backup.location!)!;
    expect(Number(backup.sizeBytes)).toBe(stored.length);
    expect(Number(backup.dumpBytes)).toBeGreaterThan(300 * 1024);
    expect(backup.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(backup.log).not.toContain('db-secret-password');
    expect((await events(queued.id)).filter((event) => event.type === 'status')).toEqual([
      { type: 'status', status: 'running', reason: null, reasonCode: null },
      { type: 'status', status: 'succeeded', reason: null, reasonCode: null },
    ]);

    const verification = (await verificationOf(queued.id))!;
    expect(verification).toMatchObject({ status: 'queued', target: 'verify' });
    expect(await queue.getJob(verification.id)).toMatchObject({ name: JobName.RestoreRun, data: { restoreId: verification.id } });
    expect(await restoreRuns.handle({ restoreId: verification.id }, context())).toEqual({ ran: true, status: 'succeeded' });
    expect(await backupRow(queued.id)).toMatchObject({
      verification: 'verified',
      verificationDetail: 'restored cleanly; 2 tables and 15 rows match the dump',
    });
    expect((await backupRow(queued.id)).verifiedAt).toBeInstanceOf(Date);
    // One event, with the place and the database's backups page; a verification that verified tells nothing more.
    expect(await notifiedAbout(queued.id)).toEqual([
      { kind: 'backup.succeeded', title: `Backup of database ${databaseName} (production) succeeded` },
    ]);
    expect((await notificationEventsAbout(stores.dataSource, queued.id))[0]).toMatchObject({
      teamId: workspace.teamId,
      projectId: workspace.projectId,
      environmentId: workspace.environmentId,
      url: `/databases/${databaseId}/backups`,
      data: expect.objectContaining({ backupId: queued.id, databaseId, sizeBytes: stored.length, verifying: true }),
    });
    expect(ops.scratches).toEqual([expect.objectContaining({ engine: 'postgresql', image: 'postgres:16', removed: true })]);
  });

  it('catches a corrupted object when verifying: the restore fails with backup.integrity_failed and the backup shows its verification failed', async () => {
    const queued = await queueBackup({ verifyAfterBackup: true });
    await backupRuns.handle({ backupId: queued.id }, context());
    const { location, sizeBytes } = await backupRow(queued.id);
    // A byte in the middle of the stored chunks.
    store.corrupt(location!, Math.floor(Number(sizeBytes) / 2));

    const verification = (await verificationOf(queued.id))!;
    expect(await restoreRuns.handle({ restoreId: verification.id }, context())).toEqual({ ran: true, status: 'failed' });

    expect(await repo.restores().findByIdAcrossTeams(verification.id)).toMatchObject({ status: 'failed', reasonCode: 'backup.integrity_failed' });
    expect(await backupRow(queued.id)).toMatchObject({ status: 'succeeded', verification: 'failed' });
    expect(ops.scratches.every((scratch) => scratch.removed)).toBe(true);
    expect(await notifiedAbout(queued.id)).toEqual([
      { kind: 'backup.succeeded', title: `Backup of database ${databaseName} (production) succeeded` },
      { kind: 'backup.unverified', title: `Backup of database ${databaseName} (production) could not be verified` },
    ]);
    const [unverified] = await notificationEventsAbout(stores.dataSource, queued.id, 'backup.unverified');
    expect(unverified).toMatchObject({ severity: 'warning', data: expect.objectContaining({ verification: 'failed', restoreId: verification.id }) });
  });

  it("fails with the dump tool's exit code and words, keeps no object and queues no verification", async () => {
    ops.failNextDump({ exitCode: 1, stderr: 'pg_dump: error: query failed: db-secret-password', afterBytes: 100_000 });
    const queued = await queueBackup({ verifyAfterBackup: true });

    expect(await backupRuns.handle({ backupId: queued.id }, context())).toEqual({ ran: true, status: 'failed' });

    const backup = await backupRow(queued.id);
    expect(backup).toMatchObject({ status: 'failed', reasonCode: 'backup.dump_failed', location: null, sha256: null, verification: 'none' });
    expect(backup.reason).toBe('pg_dump exited with code 1: pg_dump: error: query failed: ********');
    expect(store.objects.size).toBe(0);
    expect(await verificationOf(queued.id)).toBeUndefined();
    expect(await notifiedAbout(queued.id)).toEqual([{ kind: 'backup.failed', title: `Backup of database ${databaseName} (production) failed` }]);
    const [failed] = await notificationEventsAbout(stores.dataSource, queued.id);
    expect(failed.message).toContain('pg_dump exited with code 1: pg_dump: error: query failed: ********');
    expect(JSON.stringify(failed)).not.toContain('db-secret-password');
  });

  it("fails with the storage's words when the upload fails mid-way, and records no success", async () => {
    // After the header and a little: the filler compresses to almost nothing.
    store.failPutAfter(100, 'connect ECONNREFUSED 127.0.0.1:9000', 'unreachable');
    const queued = await queueBackup();

    await backupRuns.handle({ backupId: queued.id }, context());

    expect(await backupRow(queued.id)).toMatchObject({
      status: 'failed',
      reasonCode: 'backup.upload_failed',
      reason: 'The upload to offsite failed: connect ECONNREFUSED 127.0.0.1:9000',
      sizeBytes: null,
    });
    expect(store.objects.size).toBe(0);
  });

  it('fails a backup of a database that is not running, in words', async () => {
    await stores.dataSource.query(`UPDATE "databases" SET "status" = 'stopped' WHERE "id" = $1`, [databaseId]);
    try {
      const queued = await queueBackup();
      await backupRuns.handle({ backupId: queued.id }, context());
      expect(await backupRow(queued.id)).toMatchObject({ status: 'failed', reasonCode: 'backup.source_gone' });
      expect((await backupRow(queued.id)).reason).toMatch(/is stopped, not running/);
    } finally {
      await stores.dataSource.query(`UPDATE "databases" SET "status" = 'running' WHERE "id" = $1`, [databaseId]);
    }
  });

  it('cancels a running backup when asked: cancelled, nothing kept, the dump stopped', async () => {
    const release = ops.holdDumps();
    const queued = await queueBackup();
    const running = backupRuns.handle({ backupId: queued.id }, context());
    await waitFor(async () => ops.running > 0 || undefined, 10_000, 'the dump to start', 20);
    await stores.dataSource.query(`UPDATE "backups" SET "cancel_requested_at" = now() WHERE "id" = $1`, [queued.id]);

    expect(await running).toEqual({ ran: true, status: 'cancelled' });
    release();
    expect(await backupRow(queued.id)).toMatchObject({ status: 'cancelled', reasonCode: 'backup.cancelled' });
    expect(store.objects.size).toBe(0);
    expect(ops.running).toBe(0);
    // A cancel was asked for: nobody is told.
    expect(await notifiedAbout(queued.id)).toEqual([]);
  });

  it("prunes the schedule's backups beyond its count at the destination, and says so on a backup whose object could not be removed", async () => {
    const schedule = await seedBackupSchedule(
      stores.dataSource,
      { teamId: workspace.teamId, destinationId, databaseId },
      { retentionCount: 2, verifyAfterBackup: false },
    );
    const old: BackupEntity[] = [];
    for (const daysAgo of [3, 2, 1]) {
      const key = `${workspace.teamId}/database-${databaseId}/old-${daysAgo}.zpbk`;
      await store.put(key, Readable.from([Buffer.from(`old ${daysAgo}`)]), { signal: new AbortController().signal });
      old.push(
        await queueBackup({
          scheduleId: schedule.id,
          status: 'succeeded',
          location: key,
          sizeBytes: '5',
          sha256: 'a'.repeat(64),
          createdAt: new Date(Date.now() - daysAgo * 86_400_000),
        }),
      );
    }
    store.failNext('delete', 'Access Denied', 'credentials');
    const queued = await queueBackup({ scheduleId: schedule.id });

    await backupRuns.handle({ backupId: queued.id }, context());

    // Kept: the new one and the newest old one; the two oldest expired, and the first delete (the newer of them) was refused.
    expect(await backupRow(queued.id)).toMatchObject({ status: 'succeeded' });
    expect(await backupRow(old[2].id)).toMatchObject({ status: 'succeeded', reasonCode: null });
    expect(await backupRow(old[0].id)).toMatchObject({ status: 'pruned' });
    expect(store.bytes(old[0].location!)).toBeUndefined();
    expect(await backupRow(old[1].id)).toMatchObject({ status: 'succeeded', reasonCode: 'backup.prune_failed' });
    expect((await backupRow(old[1].id)).reason).toContain('Access Denied');
    expect(store.bytes(old[1].location!)).toBeDefined();
    expect((await backupRow(queued.id)).log).toContain('Retention removed 1 of 2 expired backups.');
  });

  it('fires a due schedule once however many ticks race for it, and marks a schedule with no verified backup since its slot as missed', async () => {
    const due = await seedBackupSchedule(
      stores.dataSource,
      { teamId: workspace.teamId, destinationId, databaseId },
      { cron: '*/5 * * * *', nextRunAt: new Date(Date.now() - 1_000) },
    );

    const ticks = await Promise.all([tick.handle(), tick.handle(), tick.handle()]);

    expect(ticks.reduce((sum, result) => sum + result.queued, 0)).toBe(1);
    const [backups] = await repo.backups().pageOf({ teamId: workspace.teamId } as never, { skip: 0, take: 10 }, { scheduleId: due.id });
    expect(backups).toEqual([
      expect.objectContaining({ trigger: 'schedule', status: 'queued', serverId: workspace.serverId, verifyAfterBackup: true }),
    ]);
    expect(await queue.getJob(backups[0].id)).toMatchObject({ name: JobName.BackupRun });
    const advanced = (await repo.schedules().findByIdAcrossTeams(due.id))!;
    expect(advanced.nextRunAt!.getTime()).toBeGreaterThan(Date.now());

    const lapsed = await seedBackupSchedule(
      stores.dataSource,
      { teamId: workspace.teamId, destinationId, databaseId },
      {
        lastRunAt: new Date(Date.now() - 3_600_000),
        nextRunAt: new Date(Date.now() + 3_600_000),
      },
    );
    expect((await tick.handle()).missed).toBe(1);
    const missed = (await repo.schedules().findByIdAcrossTeams(lapsed.id))!;
    expect(missed.missedSince).toEqual(lapsed.lastRunAt);
    expect((await repo.schedules().findByIdAcrossTeams(due.id))!.missedSince).toBeNull();

    // The miss raised one alert event, in the team's alerts as the API lists them; later ticks add none.
    const missedAlerts = async (state?: 'open' | 'resolved') =>
      (await repo.alerts().history(teamScope(workspace.teamId), { state }, { skip: 0, take: 50 }))[0]
        .map(toAlertEventDto)
        .filter((alert) => alert.scheduleId === lapsed.id);
    expect((await tick.handle()).missed).toBe(0);
    expect((await tick.handle()).missed).toBe(0);
    const [raised, ...more] = await missedAlerts();
    expect(more).toEqual([]);
    // The miss is told once (later ticks add nothing), grouped per schedule.
    expect(await notifiedAbout(raised.id)).toEqual([{ kind: 'backup.missed', title: `Backup of database ${databaseName} (production) missed` }]);
    expect((await notificationEventsAbout(stores.dataSource, raised.id))[0]).toMatchObject({
      groupKey: `backup-schedule:${lapsed.id}`,
      url: `/databases/${databaseId}/backups`,
      projectId: workspace.projectId,
    });
    expect(raised).toEqual({
      id: expect.any(String),
      kind: 'backup_missed',
      serverId: null,
      ruleId: null,
      metric: null,
      operator: null,
      threshold: null,
      scheduleId: lapsed.id,
      state: 'open',
      value: null,
      message: `No verified backup of the database ${databaseName} since ${lapsed.lastRunAt!.toISOString()} from the schedule “At 03:00” (UTC)`,
      openedAt: expect.any(String),
      resolvedAt: null,
    });

    // A backup of the schedule that verifies clears it, and resolves its alert.
    const queued = await queueBackup({ scheduleId: lapsed.id, verifyAfterBackup: true });
    await backupRuns.handle({ backupId: queued.id }, context());
    await restoreRuns.handle({ restoreId: (await verificationOf(queued.id))!.id }, context());
    expect((await repo.schedules().findByIdAcrossTeams(lapsed.id))!.missedSince).toBeNull();
    expect(await missedAlerts('open')).toEqual([]);
    expect(await missedAlerts('resolved')).toEqual([expect.objectContaining({ id: raised.id, state: 'resolved' })]);
    expect(await notifiedAbout(raised.id)).toEqual([
      { kind: 'backup.missed', title: `Backup of database ${databaseName} (production) missed` },
      { kind: 'alert.resolved', title: `Backups of database ${databaseName} (production) are back on schedule` },
    ]);

    // Missed again later: a new alert, the resolved one kept in the history.
    // (Its slot an hour ago, and no backup of it since: the one that counted is made older than that.)
    await stores.dataSource.query(`UPDATE backups SET created_at = created_at - interval '2 hours' WHERE schedule_id = $1`, [lapsed.id]);
    await stores.dataSource.query(`UPDATE backup_schedules SET last_run_at = date_trunc('milliseconds', now()) - interval '1 hour' WHERE id = $1`, [
      lapsed.id,
    ]);
    expect((await tick.handle()).missed).toBe(1);
    expect((await missedAlerts()).map((alert) => alert.state)).toEqual(['open', 'resolved']);
  });

  it("raises an instance schedule's backup_missed alert in the first team's alerts", async () => {
    const firstTeam = (await new TeamsRepository(stores.dataSource.manager).first())!;
    const instance = await seedBackupSchedule(
      stores.dataSource,
      { teamId: null, destinationId },
      { sourceKind: 'instance', lastRunAt: new Date(Date.now() - 3_600_000), nextRunAt: new Date(Date.now() + 3_600_000) },
    );
    expect((await tick.handle()).missed).toBeGreaterThanOrEqual(1);
    const [alerts] = await repo.alerts().history(teamScope(firstTeam.id), { state: 'open' }, { skip: 0, take: 50 });
    expect(alerts.filter((alert) => alert.scheduleId === instance.id).map(toAlertEventDto)).toEqual([
      expect.objectContaining({ kind: 'backup_missed', message: expect.stringMatching(/^No verified backup of Zpanel's own PostgreSQL since /) }),
    ]);
    const [instanceAlert] = alerts.filter((alert) => alert.scheduleId === instance.id);
    expect(await notificationEventsAbout(stores.dataSource, instanceAlert.id)).toEqual([
      expect.objectContaining({
        kind: 'backup.missed',
        teamId: firstTeam.id,
        projectId: null,
        url: '/system',
        title: "Backup of Zpanel's own database missed",
      }),
    ]);
    await stores.dataSource.query(`DELETE FROM backup_schedules WHERE id = $1`, [instance.id]);
    // The alert goes with its schedule.
    expect((await repo.alerts().history(teamScope(firstTeam.id), {}, { skip: 0, take: 50 }))[0].filter((a) => a.scheduleId === instance.id)).toEqual(
      [],
    );
  });

  it("fails a backup whose worker stopped beating, and a lost verification marks its backup's verification failed", async () => {
    const lost = await queueBackup({ status: 'running', startedAt: new Date(Date.now() - 600_000), heartbeatAt: new Date(Date.now() - 600_000) });
    const verified = await queueBackup({ status: 'succeeded', location: 'x', sizeBytes: '5', sha256: 'a'.repeat(64), verification: 'pending' });
    const lostRestore = await repo.restores().addQueued({ teamId: workspace.teamId } as never, {
      backupId: verified.id,
      sourceKind: 'database',
      target: 'verify',
      databaseId: null,
      volumeId: null,
      serverId: workspace.serverId,
      userId: null,
      tokenId: null,
      actorName: 'test',
    });
    await stores.dataSource.query(`UPDATE "restores" SET "status" = 'running', "heartbeat_at" = now() - interval '10 minutes' WHERE "id" = $1`, [
      lostRestore!.id,
    ]);

    expect(await reaper.handle()).toEqual({ failed: 2, requeued: 0 });

    expect(await backupRow(lost.id)).toMatchObject({ status: 'failed', reasonCode: 'backup.worker_stopped', reason: BACKUP_WORKER_LOST_REASON });
    expect(await events(lost.id)).toEqual([
      { type: 'status', status: 'failed', reason: BACKUP_WORKER_LOST_REASON, reasonCode: 'backup.worker_stopped' },
    ]);
    expect(await backupRow(verified.id)).toMatchObject({ verification: 'failed' });
    expect(await notifiedAbout(lost.id)).toEqual([{ kind: 'backup.failed', title: `Backup of database ${databaseName} (production) failed` }]);
    expect(await notifiedAbout(verified.id)).toEqual([
      { kind: 'backup.unverified', title: `Backup of database ${databaseName} (production) could not be verified` },
    ]);
    // Reaped once: a second pass tells nobody again.
    expect(await reaper.handle()).toEqual({ failed: 0, requeued: 0 });
    expect(await notificationEventsAbout(stores.dataSource, lost.id)).toHaveLength(1);
  });

  it('restores over the same database only after a safety backup of it succeeded', async () => {
    const queued = await queueBackup();
    await backupRuns.handle({ backupId: queued.id }, context());
    // What the database holds changed since the backup.
    ops.setDatabase(databaseId, { engine: 'postgresql', inventory: { tables: [{ name: 'public.users', rows: 99 }] } });
    const restore = (await repo.restores().addQueued({ teamId: workspace.teamId } as never, {
      backupId: queued.id,
      sourceKind: 'database',
      target: 'same',
      databaseId,
      volumeId: null,
      serverId: workspace.serverId,
      userId: null,
      tokenId: null,
      actorName: 'test',
    }))!;

    expect(await restoreRuns.handle({ restoreId: restore.id }, context())).toEqual({ ran: true, status: 'succeeded' });

    const done = (await repo.restores().findByIdAcrossTeams(restore.id))!;
    expect(done).toMatchObject({ status: 'succeeded', result: INVENTORY });
    expect(await backupRow(done.safetyBackupId!)).toMatchObject({
      trigger: 'safety',
      status: 'succeeded',
      inventory: { tables: [{ name: 'public.users', rows: 99 }] },
    });
    expect(ops.databases.get(databaseId)?.inventory).toEqual(INVENTORY);
    expect(await notifiedAbout(restore.id)).toEqual([
      { kind: 'restore.finished', title: `Restore of database ${databaseName} (production) succeeded` },
    ]);
    expect((await notificationEventsAbout(stores.dataSource, restore.id))[0]).toMatchObject({
      severity: 'success',
      url: `/databases/${databaseId}/backups`,
      data: expect.objectContaining({ target: 'same', safetyBackupId: done.safetyBackupId }),
    });
    // The safety backup is the restore's part: not told on its own.
    expect(await notifiedAbout(done.safetyBackupId!)).toEqual([]);

    // A safety backup that fails stops the restore before anything is overwritten.
    ops.setDatabase(databaseId, { engine: 'postgresql', inventory: { tables: [{ name: 'public.users', rows: 7 }] } });
    ops.failNextDump({ exitCode: 1, stderr: 'pg_dump: error: disk full' });
    const refused = (await repo.restores().addQueued({ teamId: workspace.teamId } as never, {
      backupId: queued.id,
      sourceKind: 'database',
      target: 'same',
      databaseId,
      volumeId: null,
      serverId: workspace.serverId,
      userId: null,
      tokenId: null,
      actorName: 'test',
    }))!;
    expect(await restoreRuns.handle({ restoreId: refused.id }, context())).toEqual({ ran: true, status: 'failed' });
    expect(await repo.restores().findByIdAcrossTeams(refused.id)).toMatchObject({ reasonCode: 'backup.dump_failed' });
    expect((await repo.restores().findByIdAcrossTeams(refused.id))!.reason).toMatch(
      /^The safety backup failed: pg_dump exited with code 1.*nothing was restored\.$/,
    );
    expect(ops.databases.get(databaseId)?.inventory).toEqual({ tables: [{ name: 'public.users', rows: 7 }] });
    expect(await notificationEventsAbout(stores.dataSource, refused.id)).toEqual([
      expect.objectContaining({ kind: 'restore.finished', severity: 'error', title: `Restore of database ${databaseName} (production) failed` }),
    ]);
  });
});
