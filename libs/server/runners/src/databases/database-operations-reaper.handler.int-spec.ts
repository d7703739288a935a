import { randomUUID } from 'node:crypto';
import { type DatabaseOperationLiveEvent, JobName, LiveTopics, QueueName } from '@zpanel/contracts';
import { createLogger, loadConfig } from '@zpanel/core';
import { type DatabaseOperationEntity, DatabaseOperationsRepository, DatabasesRepository, teamScope } from '@zpanel/database';
import { bullConnection } from '@zpanel/queue';
import { seedDatabase, seedDatabaseOperation, seedEnvironment, seedTeamWithServer } from '@zpanel/database/testing';
import { Queue } from 'bullmq';
import { queueProducer, useWorkerStores } from '../worker-stores.testing';
import { DatabaseOperationsReaperHandler, OPERATION_WORKER_LOST_CODE, OPERATION_WORKER_LOST_REASON } from './database-operations-reaper.handler';

describe(DatabaseOperationsReaperHandler.name, () => {
  const config = loadConfig(process.env);
  const stores = useWorkerStores(config, 'database-reaper-test');
  let queue: Queue;
  let reaper: DatabaseOperationsReaperHandler;
  let team: { teamId: string; serverId: string; environmentId: string; projectId: string };

  const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000);
  const database = (status: 'creating' | 'deleting' | 'running' = 'creating') =>
    seedDatabase(stores.dataSource, team, { database: { name: `db-${randomUUID().slice(0, 8)}`, status } });
  const addOperation = (of: { id: string }, overrides: Partial<DatabaseOperationEntity>) =>
    seedDatabaseOperation(stores.dataSource, { teamId: team.teamId, id: of.id }, overrides);
  const operation = (id: string) => new DatabaseOperationsRepository(stores.dataSource.manager).get(teamScope(team.teamId), id);
  const reloadDatabase = (id: string) => new DatabasesRepository(stores.dataSource.manager).get(teamScope(team.teamId), id);
  const lostRunning = { status: 'running' as const, startedAt: secondsAgo(300), heartbeatAt: secondsAgo(61) };

  beforeAll(async () => {
    queue = new Queue(QueueName.Databases, bullConnection(config));
    const seeded = await seedTeamWithServer(stores.dataSource, { team: 'database-reaper' });
    team = { ...seeded, ...(await seedEnvironment(stores.dataSource, seeded)) };
    reaper = new DatabaseOperationsReaperHandler(
      stores.dataSource,
      new DatabasesRepository(stores.dataSource.manager),
      queueProducer(queue),
      stores.live,
      config,
      createLogger({ level: 'silent', name: 'test' }),
    );
  });
  beforeEach(async () => {
    await queue.obliterate({ force: true });
    await stores.dataSource.query(`DELETE FROM "database_operations" WHERE "team_id" = $1`, [team.teamId]);
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('fails a lost create and its database (no longer `creating`), tells the live topic, and leaves a beating operation alone', async () => {
    const lostDb = await database('creating');
    const lost = await addOperation(lostDb, { kind: 'create', ...lostRunning });
    const busyDb = await database('creating');
    const beating = await addOperation(busyDb, { kind: 'create', status: 'running', startedAt: secondsAgo(300), heartbeatAt: secondsAgo(1) });

    expect(await reaper.handle({})).toEqual({ failed: 1, requeued: 0 });

    expect(await operation(lost.id)).toMatchObject({
      status: 'failed',
      reason: OPERATION_WORKER_LOST_REASON,
      reasonCode: OPERATION_WORKER_LOST_CODE,
    });
    expect((await operation(lost.id)).finishedAt).toBeInstanceOf(Date);
    expect(await reloadDatabase(lostDb.id)).toMatchObject({ status: 'failed', statusReasonCode: OPERATION_WORKER_LOST_CODE });
    expect((await reloadDatabase(lostDb.id)).statusReason).toMatch(/Creating the database was interrupted/);
    expect((await stores.live.range(LiveTopics.databaseOperation(lost.id), '0')).map((e) => e.event as DatabaseOperationLiveEvent)).toEqual([
      { type: 'status', status: 'failed', reason: OPERATION_WORKER_LOST_REASON, reasonCode: OPERATION_WORKER_LOST_CODE, databaseStatus: 'failed' },
    ]);
    expect(await operation(beating.id)).toMatchObject({ status: 'running' });
    expect(await reloadDatabase(busyDb.id)).toMatchObject({ status: 'creating' });
  });

  it('settles a lost delete as failed (deleting again is possible), and leaves the status of a lost restart as it was', async () => {
    const deleting = await database('deleting');
    const remove = await addOperation(deleting, { kind: 'delete', ...lostRunning });
    const running = await database('running');
    const restart = await addOperation(running, { kind: 'restart', ...lostRunning });

    expect(await reaper.handle({})).toEqual({ failed: 2, requeued: 0 });
    expect(await reloadDatabase(deleting.id)).toMatchObject({ status: 'failed' });
    expect((await reloadDatabase(deleting.id)).statusReason).toMatch(/Delete it again/);
    expect(await operation(remove.id)).toMatchObject({ status: 'failed' });
    expect(await reloadDatabase(running.id)).toMatchObject({ status: 'running', statusReason: null });
    expect(await operation(restart.id)).toMatchObject({ status: 'failed' });
  });

  it('queues again an operation queued for over 30 s whose job is gone, once however often it runs', async () => {
    const lost = await addOperation(await database(), { createdAt: secondsAgo(45) });
    const fresh = await addOperation(await database(), { createdAt: secondsAgo(5) });

    expect(await reaper.handle({})).toEqual({ failed: 0, requeued: 1 });
    expect(await queue.getJob(lost.id)).toMatchObject({
      name: JobName.DatabaseOperation,
      data: { operationId: lost.id },
      opts: expect.objectContaining({ attempts: 1 }),
    });
    expect(await queue.getJob(fresh.id)).toBeUndefined();
    expect(await reaper.handle({})).toEqual({ failed: 0, requeued: 0 });
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('touches no finished operation', async () => {
    const db = await database('running');
    const done = await addOperation(db, { kind: 'create', status: 'success', createdAt: secondsAgo(600), heartbeatAt: secondsAgo(600) });
    expect(await reaper.handle({})).toEqual({ failed: 0, requeued: 0 });
    expect(await operation(done.id)).toMatchObject({ status: 'success' });
  });
});
