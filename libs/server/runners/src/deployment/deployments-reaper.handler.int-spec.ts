import { type DeploymentLiveEvent, JobName, LiveTopics, QueueName } from '@zpanel/contracts';
import { createLogger } from '@zpanel/core';
import { type ApplicationEntity, ApplicationsRepository, type DeploymentEntity, DeploymentsRepository, teamScope } from '@zpanel/database';
import { bullConnection } from '@zpanel/queue';
import { seedApplication, seedDeployment, seedEnvironment, seedTeamWithServer, notificationEventsAbout } from '@zpanel/database/testing';
import { dockerCli, testServerAddress, testServerKey } from '@zpanel/testing';
import { Queue } from 'bullmq';
import { namespacedTestConfig, queueProducer, useWorkerHarness } from '../worker-stores.testing';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { BuildSlots } from './build-slots';
import { DeploymentEvents } from './deployment-events';
import { DEPLOYMENT_RUNS, RunLease, RunLeaseStore } from '../run-lease';
import { DeploymentsReaperHandler, WORKER_LOST_CODE, WORKER_LOST_REASON } from './deployments-reaper.handler';
import { eventNotificationsOver } from '../notifications/event-notifications.testing';

describe(DeploymentsReaperHandler.name, () => {
  const { config: namespaced, namespace, names } = namespacedTestConfig();
  const { config, box, stores, pool } = useWorkerHarness('deployments-reaper-test', namespaced);
  let queue: Queue;
  let reaper: DeploymentsReaperHandler;
  let teamId: string;
  let app: ApplicationEntity;
  let otherApp: ApplicationEntity;
  let workspace: { projectId: string; environmentId: string };

  const reload = (id: string) => new DeploymentsRepository(stores.dataSource.manager).get(teamScope(teamId), id);
  const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000);
  const add = async (overrides: Partial<DeploymentEntity>) =>
    (await seedDeployment(stores.dataSource, { teamId, applicationId: app.id }, overrides)).id;

  beforeAll(async () => {
    queue = new Queue(QueueName.Deployments, bullConnection(config));
    const logger = createLogger({ level: 'silent', name: 'test' });
    const targets = serverTargetsOver(stores.dataSource, box);
    reaper = new DeploymentsReaperHandler(
      stores.dataSource,
      new ApplicationsRepository(stores.dataSource.manager),
      queueProducer(queue),
      new DeploymentEvents(stores.dataSource, stores.live, config, logger),
      targets,
      pool,
      new BuildSlots(stores.redis, config),
      config,
      logger,
      eventNotificationsOver(stores.dataSource).notifications,
    );

    const team = await seedTeamWithServer(stores.dataSource, {
      team: 'reaper',
      server: { ...testServerAddress(), name: 's', status: 'ready' },
      privateKey: testServerKey(box),
    });
    const seeded = { ...team, ...(await seedEnvironment(stores.dataSource, team)) };
    workspace = seeded;
    teamId = seeded.teamId;
    app = await seedApplication(stores.dataSource, seeded, { name: 'reaped', stopGraceSeconds: 1 });
    otherApp = await seedApplication(stores.dataSource, seeded, { name: 'beating', stopGraceSeconds: 1 });
  });
  beforeEach(async () => {
    await queue.obliterate({ force: true });
    await stores.dataSource.query(`DELETE FROM "deployments" WHERE "team_id" = $1`, [teamId]);
  });
  afterAll(async () => {
    const containers = dockerCli('ps', '-aq', '--filter', `label=zpanel.namespace=${namespace}`).split('\n').filter(Boolean);
    if (containers.length) dockerCli('rm', '-f', ...containers);
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('fails a deployment whose worker went silent, removes its half-started container, logs and tells why', async () => {
    const lost = await add({ status: 'running', step: 'health', startedAt: secondsAgo(300), heartbeatAt: secondsAgo(61) });
    const beating = await add({
      applicationId: otherApp.id,
      status: 'running',
      step: 'build',
      startedAt: secondsAgo(300),
      heartbeatAt: secondsAgo(5),
    });
    const container = names.appContainer(app.name, lost);
    dockerCli('run', '-d', '--name', container, '--label', `zpanel.namespace=${namespace}`, 'zpanel-test/busybox', 'sleep', '300');
    await stores.dataSource.query(
      `INSERT INTO "deployment_logs" ("deployment_id", "seq", "ts", "stream", "line") VALUES ($1, 1, now(), 'system', 'started')`,
      [lost],
    );

    expect(await reaper.handle({})).toEqual({ failed: 1, requeued: 0 });

    expect(await reload(lost)).toMatchObject({
      status: 'failed',
      reason: WORKER_LOST_REASON,
      reasonCode: WORKER_LOST_CODE,
    });
    expect(await reload(beating)).toMatchObject({ status: 'running', reason: null });
    expect(dockerCli('ps', '-aq', '--filter', `name=^${container}$`)).toBe('');
    const lines = (await stores.dataSource.query(`SELECT "seq", "line" FROM "deployment_logs" WHERE "deployment_id" = $1 ORDER BY "seq"`, [
      lost,
    ])) as {
      seq: string;
      line: string;
    }[];
    expect(lines.map((l) => Number(l.seq))).toEqual([1, 2]);
    expect(lines[1].line).toContain(`The half-started container ${container} was removed.`);
    const events = (await stores.live.range(LiveTopics.deploymentLogs(lost), '0')).map((e) => e.event as DeploymentLiveEvent);
    expect(events[events.length - 1]).toEqual({
      type: 'status',
      status: 'failed',
      step: 'health',
      reason: WORKER_LOST_REASON,
      reasonCode: WORKER_LOST_CODE,
    });
    // One notification of the failure, to the team, linking to the deployment; none for the one still beating.
    const notified = await notificationEventsAbout(stores.dataSource, lost);
    expect(notified).toHaveLength(1);
    expect(notified[0]).toMatchObject({
      kind: 'deployment.failed',
      severity: 'error',
      teamId,
      projectId: workspace.projectId,
      environmentId: workspace.environmentId,
      title: 'Deployment of reaped (production) failed',
      url: `/applications/${app.id}/deployments/${lost}`,
      data: expect.objectContaining({ reasonCode: WORKER_LOST_CODE, step: 'health' }),
    });
    expect(notified[0].message).toContain('Worker lost');
    expect(await notificationEventsAbout(stores.dataSource, beating)).toEqual([]);
    // A second pass fails nothing more and tells nobody again.
    expect(await reaper.handle({})).toEqual({ failed: 0, requeued: 0 });
    expect(await notificationEventsAbout(stores.dataSource, lost)).toHaveLength(1);
  });

  it('fails a deployment silent for longer than the run lease (not a minute), so the next one of its application starts on another worker', async () => {
    const lease = (workerId: string) =>
      new RunLease(
        new RunLeaseStore(stores.dataSource, DEPLOYMENT_RUNS),
        workerId,
        () => ({ heartbeatMs: 1_000, cancelPollMs: 1_000 }),
        createLogger({ level: 'silent', name: 'test' }),
        'cancelled',
      );
    const first = await add({});
    const next = await add({});
    expect(await lease('worker-a').claim(first)).toBe(true);
    // worker-a dies mid-build: its heartbeat stops just over a lease ago.
    await stores.dataSource.query(`UPDATE "deployments" SET "step" = 'build', "heartbeat_at" = $2 WHERE "id" = $1`, [
      first,
      new Date(Date.now() - config.runs.leaseTtlMs - 2_000),
    ]);
    expect(await lease('worker-b').claim(next)).toBe(false);

    expect(await reaper.handle({})).toEqual({ failed: 1, requeued: 0 });

    expect(await reload(first)).toMatchObject({ status: 'failed', reason: WORKER_LOST_REASON, workerId: 'worker-a' });
    expect(await lease('worker-b').claim(next)).toBe(true);
    expect(await reload(next)).toMatchObject({ status: 'running', workerId: 'worker-b' });
    // worker-a comes back: its late finish changes nothing.
    expect(await lease('worker-a').finish(first, { status: 'success', step: 'done', reason: null })).toBe(false);
    expect(await reload(first)).toMatchObject({ status: 'failed' });
  });

  it('leaves the container of a deployment lost after it was promoted: it is the one serving', async () => {
    const lost = await add({ status: 'running', step: 'retire', startedAt: secondsAgo(300), heartbeatAt: secondsAgo(90) });
    const container = names.appContainer(app.name, lost);
    dockerCli('run', '-d', '--name', container, '--label', `zpanel.namespace=${namespace}`, 'zpanel-test/busybox', 'sleep', '300');
    expect(await reaper.handle({})).toEqual({ failed: 1, requeued: 0 });
    expect(dockerCli('ps', '-q', '--filter', `name=^${container}$`)).not.toBe('');
  });

  it('queues again a deployment queued for over 30 s whose job is gone (Redis flushed), once however often it runs', async () => {
    const lostJob = await add({ createdAt: secondsAgo(45) });
    const fresh = await add({ createdAt: secondsAgo(5) });

    expect(await reaper.handle({})).toEqual({ failed: 0, requeued: 1 });
    expect(await queue.getJob(lostJob)).toMatchObject({ name: JobName.DeploymentRun, data: { deploymentId: lostJob } });
    expect(await queue.getJob(fresh)).toBeUndefined();
    expect(await reaper.handle({})).toEqual({ failed: 0, requeued: 0 });
  });
});
