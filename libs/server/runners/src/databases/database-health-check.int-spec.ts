import { randomUUID } from 'node:crypto';
import { createLogger, generateDatabasePassword } from '@zpanel/core';
import { ApplicationsRepository, DatabaseOperationsRepository, DatabasesRepository, databasePasswordAad, teamScope } from '@zpanel/database';
import {
  type SeededEnvironment,
  type SeededTeam,
  seedDatabase,
  seedDatabaseOperation,
  seedEnvironment,
  seedTeamWithServer,
  notificationEventsAbout,
} from '@zpanel/database/testing';
import type { JobContext } from '@zpanel/queue';
import type { PooledTarget } from '@zpanel/remote';
import { dockerCli, removeDockerNamespace, testServerAddress, testServerKey } from '@zpanel/testing';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { namespacedTestConfig, useWorkerHarness } from '../worker-stores.testing';
import { eventNotificationsOver } from '../notifications/event-notifications.testing';
import { DatabaseHealthCheck } from './database-health-check';
import { DATABASE_OPERATION_TIMINGS, DatabaseOperationHandler } from './database-operation.handler';

/**
 * The check's view of a real PostgreSQL (zpanel-test/postgres:15) on the test server, over SSH: the
 * database is created by its operation as the worker does, then its container is stopped, started
 * and removed behind Zpanel's back, and each reconciliation is what the next server check would write.
 */
describe(DatabaseHealthCheck.name, () => {
  const { config: namespaced, namespace, names } = namespacedTestConfig();
  const { config, box, stores, pool } = useWorkerHarness('database-health-test', namespaced);
  const logger = createLogger({ level: 'silent', name: 'test' });
  let check: DatabaseHealthCheck;
  let workspace: SeededTeam & SeededEnvironment;
  let target: PooledTarget;
  let databaseId: string;
  const team = () => teamScope(workspace.teamId);
  const databases = () => new DatabasesRepository(stores.dataSource.manager);
  const database = () => databases().get(team(), databaseId);
  const container = () => names.databaseAlias(databaseId);
  const reconcile = () => check.reconcile(workspace.serverId, target);

  beforeAll(async () => {
    const seeded = await seedTeamWithServer(stores.dataSource, {
      team: 'database-health',
      server: { ...testServerAddress(), name: 'health-server', status: 'ready' },
      privateKey: testServerKey(box),
    });
    workspace = { ...seeded, ...(await seedEnvironment(stores.dataSource, seeded)) };
    const targets = serverTargetsOver(stores.dataSource, box);
    target = (await targets.load(workspace.serverId))?.target as PooledTarget;

    databaseId = randomUUID();
    const password = generateDatabasePassword();
    await seedDatabase(stores.dataSource, workspace, {
      password: () => box.seal(password, databasePasswordAad(databaseId)),
      database: {
        id: databaseId,
        name: 'health-db',
        engine: 'postgresql',
        image: 'zpanel-test/postgres:15',
        databaseName: 'shop',
        userName: 'shop_app',
        status: 'creating',
      },
    });
    const operations = new DatabaseOperationsRepository(stores.dataSource.manager);
    const handler = new DatabaseOperationHandler(
      stores.dataSource,
      operations,
      databases(),
      new ApplicationsRepository(stores.dataSource.manager),
      targets,
      pool,
      stores.live,
      box,
      config,
      logger,
      'test-worker',
    );
    handler.timings = { ...DATABASE_OPERATION_TIMINGS, heartbeatMs: 500, logBatchMs: 50, stopGraceSeconds: 5 };
    const create = await seedDatabaseOperation(stores.dataSource, { teamId: workspace.teamId, id: databaseId }, { kind: 'create' });
    const context: JobContext = { jobId: 'job', attempt: 1, signal: new AbortController().signal };
    await handler.handle({ operationId: create.id }, context);
    expect(await database()).toMatchObject({ status: 'running' });

    check = new DatabaseHealthCheck(databases(), pool, box, config, logger, eventNotificationsOver(stores.dataSource).notifications);
    check.timings = { probeTimeoutMs: 5_000, budgetMs: 10_000, concurrency: 2 };
  });

  afterAll(() => removeDockerNamespace(namespace));

  it('leaves a running database whose engine answers as it is', async () => {
    expect(await reconcile()).toEqual({ checked: 1, probed: 1, changed: [] });
    expect(await database()).toMatchObject({ status: 'running', statusReason: null, statusReasonCode: null });
  });

  it('marks it unhealthy with the exit code once its container is killed outside Zpanel, and running again once started and answering', async () => {
    const toldBefore = (await notificationEventsAbout(stores.dataSource, databaseId)).length;
    dockerCli('kill', container());
    expect((await reconcile()).changed).toEqual([{ databaseId, from: 'running', to: 'unhealthy', code: 'database.container_exited' }]);
    expect(await database()).toMatchObject({
      status: 'unhealthy',
      statusReasonCode: 'database.container_exited',
      statusReason: expect.stringContaining('The container stopped (exit code 137)'),
    });
    // Nothing new on the next check: no write.
    expect((await reconcile()).changed).toEqual([]);

    dockerCli('start', container());
    // The engine takes a moment to accept connections after its container starts: a check in between may say so.
    const deadline = Date.now() + 30_000;
    let row = await database();
    while (row.status !== 'running' && Date.now() < deadline) {
      await reconcile();
      row = await database();
      if (row.status !== 'running') {
        expect(row.statusReasonCode).toMatch(/^database\.(probe_failed|container_exited)$/);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    expect(row).toMatchObject({ status: 'running', statusReason: null, statusReasonCode: null });
    // Told once that it went unhealthy (not again while its reason changed on the way back), once that it recovered.
    const told = (await notificationEventsAbout(stores.dataSource, databaseId)).slice(toldBefore);
    expect(told.map((e) => [e.kind, e.title])).toEqual([
      ['database.unhealthy', `Database ${row.name} (production) is unhealthy`],
      ['database.recovered', `Database ${row.name} (production) is healthy again`],
    ]);
    expect(told[0]).toMatchObject({
      teamId: workspace.teamId,
      projectId: workspace.projectId,
      environmentId: workspace.environmentId,
      url: `/databases/${databaseId}`,
      data: expect.objectContaining({ reasonCode: 'database.container_exited' }),
    });
    expect(told[0].message).toContain('The container stopped (exit code 137)');
  });

  it("marks it unhealthy with the probe's words while its engine does not answer, though its container runs", async () => {
    // The postmaster frozen (from outside: inside, the namespace's init ignores it): connections wait
    // in the kernel's backlog and pg_isready gives up after its own 3 s.
    dockerCli('kill', '-s', 'STOP', container());
    try {
      expect((await reconcile()).changed).toEqual([{ databaseId, from: 'running', to: 'unhealthy', code: 'database.probe_failed' }]);
    } finally {
      dockerCli('kill', '-s', 'CONT', container());
    }
    const row = await database();
    expect(row.statusReason).toBe('The container runs but postgresql does not answer its readiness probe: 127.0.0.1:5432 - no response');
    expect((await reconcile()).changed).toEqual([{ databaseId, from: 'unhealthy', to: 'running', code: null }]);
  });

  it('leaves a database with an operation queued alone, and writes nothing an operation settled since the check looked', async () => {
    const queued = await seedDatabaseOperation(stores.dataSource, { teamId: workspace.teamId, id: databaseId }, { kind: 'start' });
    dockerCli('kill', container());
    expect(await reconcile()).toEqual({ checked: 0, probed: 0, changed: [] });
    expect(await database()).toMatchObject({ status: 'running' });

    // The check looked before the operation ended: its verdict is stale and not written.
    const looked = new Date(Date.now() - 60_000);
    await stores.dataSource.query(`UPDATE "database_operations" SET "status" = 'success', "finished_at" = now() WHERE "id" = $1`, [queued.id]);
    const verdict = { status: 'unhealthy' as const, statusReason: 'stale', statusReasonCode: 'database.container_exited' as const };
    expect(await databases().reconcileStatus(databaseId, 'running', verdict, looked)).toBe(false);
    expect(await database()).toMatchObject({ status: 'running' });

    // The next check sees the container as it is.
    expect((await reconcile()).changed).toEqual([{ databaseId, from: 'running', to: 'unhealthy', code: 'database.container_exited' }]);
  });

  it('says the container is gone once it is removed, and keeps a stopped database stopped', async () => {
    dockerCli('rm', '-f', container());
    expect((await reconcile()).changed).toEqual([{ databaseId, from: 'unhealthy', to: 'unhealthy', code: 'database.container_missing' }]);
    expect(await database()).toMatchObject({ status: 'unhealthy', statusReason: expect.stringContaining('The container is gone') });

    await databases().changeStatusFrom(team(), databaseId, ['unhealthy'], { status: 'stopped', statusReason: null, statusReasonCode: null });
    expect(await reconcile()).toMatchObject({ checked: 1, probed: 0, changed: [] });
    expect(await database()).toMatchObject({ status: 'stopped' });
  });
});
