import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AlertEventDto, JobName, type LiveTopic, LiveTopics, type ServerLiveEvent } from '@zpanel/contracts';
import { createLogger } from '@zpanel/core';
import {
  AlertEventEntity,
  AlertEventsRepository,
  type AlertRuleFields,
  AlertRulesRepository,
  type ServerEntity,
  ServerMetricEntity,
  ServerMetricsRepository,
  ServersRepository,
  teamScope,
} from '@zpanel/database';
import type { JobProducer } from '@zpanel/queue';
import { type ServerSample, SshConnection } from '@zpanel/remote';
import { FakeServerSampler, aServerSample } from '@zpanel/remote/testing';
import { type SeededTeam, notificationEventsAbout, seedServer, seedTeamWithServer } from '@zpanel/database/testing';
import { TEST_VARS, freePort, testServerAddress, testServerKey, testSshTarget } from '@zpanel/testing';
import { ServerAlerts } from './server-alerts';
import { ServerCheckHandler } from './server-check.handler';
import { ServerLiveEvents } from '../servers/server-live-events';
import { ServerSamplers } from './server-samplers';
import { ServerTargets } from '../servers/server-targets';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { useWorkerHarness } from '../worker-stores.testing';
import type { DatabaseHealthCheck } from '../databases/database-health-check';
import { eventNotificationsOver } from '../notifications/event-notifications.testing';

/** The real check against the test server (sshd + Docker), with the real database and Redis. */
describe(ServerCheckHandler.name, () => {
  const { config, box, stores, pool } = useWorkerHarness('check-test');
  const ssh = testSshTarget();
  const run = process.env[TEST_VARS.runId] as string;
  const containerName = `zp-check-${run}`;
  const logger = createLogger({ level: 'silent', name: 'test' });
  let live: ServerLiveEvents;
  let targets: ServerTargets;
  let handler: ServerCheckHandler;
  /** Records what the handler queues (proxy syncs) instead of queueing it. */
  const queued: { name: string; payload: unknown }[] = [];
  const jobs = { enqueue: async (name: string, payload: unknown) => (queued.push({ name, payload }), 'job') };
  /** The servers whose databases a check settled (`DatabaseHealthCheck` has an int-spec of its own). */
  const reconciled: string[] = [];
  const databaseHealth = { reconcile: async (serverId: string) => (reconciled.push(serverId), { checked: 0, probed: 0, changed: [] }) };
  let team: SeededTeam;
  let teamId: string;
  let fingerprint: string;

  const alerts = () =>
    new ServerAlerts(
      new AlertRulesRepository(stores.dataSource.manager),
      new AlertEventsRepository(stores.dataSource.manager),
      new ServerMetricsRepository(stores.dataSource.manager),
      live,
      eventNotificationsOver(stores.dataSource).notifications,
    );
  const checkHandler = (samplers: ServerSamplers) =>
    new ServerCheckHandler(
      stores.dataSource,
      servers(),
      new ServerMetricsRepository(stores.dataSource.manager),
      targets,
      samplers,
      alerts(),
      live,
      jobs as unknown as JobProducer,
      databaseHealth as unknown as DatabaseHealthCheck,
      config,
      logger,
      eventNotificationsOver(stores.dataSource).notifications,
    );
  const withSampler = (sampler: FakeServerSampler) =>
    checkHandler({ open: () => ({ sampler, release: () => undefined }) } as unknown as ServerSamplers);
  const addServer = async (overrides: Partial<ServerEntity> = {}) => {
    const id = await seedServer(stores.dataSource, team, { ...testServerAddress(), status: 'ready', hostKeyFingerprint: fingerprint, ...overrides });
    await new AlertRulesRepository(stores.dataSource.manager).addDefaults(teamScope(teamId), id);
    return id;
  };
  const servers = () => new ServersRepository(stores.dataSource.manager);
  const reload = (id: string) => servers().get(teamScope(teamId), id);
  const metrics = () => stores.dataSource.getRepository(ServerMetricEntity);
  const samplesOf = (id: string) => metrics().find({ where: { serverId: id }, order: { ts: 'ASC' } });
  const events = async (topic: LiveTopic<'server' | 'team'>, type: ServerLiveEvent['type']) =>
    (await stores.live.range(topic, '0')).map((e) => e.event as ServerLiveEvent).filter((e) => e.type === type);
  const openAlerts = (serverId: string) => new AlertEventsRepository(stores.dataSource.manager).openOfServer(serverId);

  beforeAll(async () => {
    live = new ServerLiveEvents(stores.live, logger);
    targets = serverTargetsOver(stores.dataSource, box);
    handler = checkHandler(new ServerSamplers(pool));
    team = await seedTeamWithServer(stores.dataSource, { team: 'checks', privateKey: testServerKey(box) });
    teamId = team.teamId;
    // Checks run on validated servers only: learn the test server's host key as validation would
    // (not by validating: the other int-specs validate the same Docker host, which one server may claim).
    const probe = await SshConnection.connect({
      host: ssh.host,
      port: ssh.port,
      username: ssh.username,
      privateKey: readFileSync(ssh.privateKeyPath),
    });
    fingerprint = probe.hostKeyFingerprint;
    probe.close();
    expect(fingerprint).toMatch(/^SHA256:/);

    execFileSync('docker', [
      'run',
      '-d',
      '--name',
      containerName,
      '--label',
      `zpanel.test.run=${run}`,
      '--network',
      'none',
      'zpanel-test/busybox:latest',
      'sh',
      '-c',
      'while true; do sleep 1; done',
    ]);
  });

  afterAll(async () => {
    execFileSync('docker', ['rm', '-f', containerName], { stdio: 'ignore' });
  });

  it('samples the test server: reachable, plausible host figures, the running test container, stored and pushed live', async () => {
    const id = await addServer();
    const started = Date.now();
    expect(await handler.handle({ serverId: id })).toEqual({ reachable: true, status: 'ready' });
    const tookMs = Date.now() - started;

    const [row] = await samplesOf(id);
    expect(row).toMatchObject({ resolution: 'raw', reachable: true, teamId });
    expect(row.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(row.cpuPercent).toBeLessThanOrEqual(100);
    const memoryTotal = Number(row.memoryTotalBytes);
    expect(memoryTotal).toBe(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024);
    expect(Number(row.memoryUsedBytes)).toBeGreaterThan(0);
    expect(Number(row.memoryUsedBytes)).toBeLessThan(memoryTotal);
    const [, , usedKb, availableKb] = execFileSync('df', ['-P', '-k', '/']).toString().trim().split('\n').pop()?.split(/\s+/) ?? [];
    // The disk moves a little between two reads; a few MB of slack.
    expect(Math.abs(Number(row.diskTotalBytes) - (Number(usedKb) + Number(availableKb)) * 1024)).toBeLessThan(64 * 1024 ** 2);
    expect(Number(row.diskUsedBytes)).toBeGreaterThan(0);
    expect(row.load1).toBeGreaterThanOrEqual(0);
    expect(row.load15).not.toBeNull();

    const container = row.containers.find((c) => c.name === containerName);
    expect(container).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      name: containerName,
      cpuPercent: expect.any(Number),
      memoryBytes: expect.any(Number),
      memoryLimitBytes: null,
    });
    expect(container?.memoryBytes).toBeGreaterThan(0);
    expect(container?.cpuPercent).toBeLessThanOrEqual(100);

    const server = await reload(id);
    expect(server).toMatchObject({ status: 'ready', consecutiveFailures: 0 });
    expect(server.lastCheckedAt?.getTime()).toBe(row.ts.getTime());
    expect(reconciled).toContain(id);
    const [pushed] = await events(LiveTopics.server(id), 'metrics');
    expect(pushed).toEqual({
      type: 'metrics',
      serverId: id,
      sample: expect.objectContaining({ ts: row.ts.toISOString(), reachable: true, cpuPercent: row.cpuPercent }),
    });
    // Samples go to the server's page, not to the team's list.
    expect(await events(LiveTopics.team(teamId), 'metrics')).toEqual([]);
    process.stdout.write(`one check of the test server took ${tookMs} ms (${row.containers.length} running containers)\n`);
  });

  it('records unreachable samples, marks the server unreachable at the third failure, opens the unreachable alert once, and recovers', async () => {
    const id = await addServer({ port: await freePort() });
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await handler.handle({ serverId: id }));
    // An unreachable server's databases keep their statuses: nothing was seen of them.
    expect(reconciled).not.toContain(id);
    expect(results).toEqual([
      { reachable: false, status: 'ready' },
      { reachable: false, status: 'ready' },
      { reachable: false, status: 'unreachable' },
      { reachable: false, status: 'unreachable' },
    ]);
    const samples = await samplesOf(id);
    expect(samples.map((s) => [s.reachable, s.cpuPercent, s.memoryUsedBytes, s.diskUsedBytes, s.load1])).toEqual(
      Array(4).fill([false, null, null, null, null]),
    );
    const down = await reload(id);
    expect(down).toMatchObject({
      status: 'unreachable',
      consecutiveFailures: 4,
      statusReason: `Could not reach ${ssh.host}:${down.port} over SSH: check the address and port, and that the server accepts SSH connections from this instance.`,
      statusReasonCode: 'server.unreachable',
    });

    const statusEvent = {
      type: 'status',
      serverId: id,
      status: 'unreachable',
      statusReason: down.statusReason,
      statusReasonCode: down.statusReasonCode,
    };
    expect(await events(LiveTopics.server(id), 'status')).toEqual([statusEvent]);
    expect(await events(LiveTopics.team(teamId), 'status')).toContainEqual(statusEvent);
    const [alert] = await openAlerts(id);
    expect(await openAlerts(id)).toHaveLength(1);
    expect(alert).toMatchObject({ metric: 'unreachable', value: null, message: `${down.name} is unreachable: ${down.statusReason}` });
    const pushedAlerts = (await events(LiveTopics.team(teamId), 'alert'))
      .map((e) => (e as { alert: AlertEventDto }).alert)
      .filter((a) => a.serverId === id);
    expect(pushedAlerts).toEqual([expect.objectContaining({ id: alert.id, state: 'open' })]);
    // Told once that it went down (at the third failure, not at the fourth), and once that its rule fired.
    expect(await notificationEventsAbout(stores.dataSource, id)).toEqual([
      expect.objectContaining({
        kind: 'server.unreachable',
        teamId,
        projectId: null,
        environmentId: null,
        title: `Server ${down.name} is unreachable`,
        url: `/servers/${id}`,
        message: expect.stringContaining(down.statusReason as string),
      }),
    ]);
    expect(await notificationEventsAbout(stores.dataSource, alert.id)).toEqual([
      expect.objectContaining({
        kind: 'alert.fired',
        groupKey: `alert-rule:${alert.ruleId}`,
        url: `/servers/${id}/alerts`,
        title: `Alert on ${down.name}: unreachable`,
      }),
    ]);

    // The server answers again (here: its port is fixed).
    await servers().change(teamScope(teamId), id, { port: ssh.port });
    const queuedBefore = queued.length;
    expect(await handler.handle({ serverId: id })).toEqual({ reachable: true, status: 'ready' });
    // Routes changed during the outage reach the proxy now.
    expect(queued.slice(queuedBefore)).toEqual([{ name: JobName.ServerProxySync, payload: { serverId: id } }]);
    expect(await reload(id)).toMatchObject({ status: 'ready', statusReason: null, statusReasonCode: null, consecutiveFailures: 0 });
    expect((await events(LiveTopics.server(id), 'status')).at(-1)).toEqual({
      type: 'status',
      serverId: id,
      status: 'ready',
      statusReason: null,
      statusReasonCode: null,
    });
    expect(await openAlerts(id)).toEqual([]);
    const resolved = (await events(LiveTopics.server(id), 'alert')).map((e) => (e as { alert: AlertEventDto }).alert);
    expect(resolved.map((a) => [a.id, a.state])).toEqual([
      [alert.id, 'open'],
      [alert.id, 'resolved'],
    ]);
    expect((await notificationEventsAbout(stores.dataSource, id)).map((e) => [e.kind, e.title])).toEqual([
      ['server.unreachable', `Server ${down.name} is unreachable`],
      ['server.recovered', `Server ${down.name} is reachable again`],
    ]);
    expect((await notificationEventsAbout(stores.dataSource, alert.id)).map((e) => e.kind)).toEqual(['alert.fired', 'alert.resolved']);
  });

  it('tells the team once that a checked server showed another host key', async () => {
    const id = await addServer({ hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(await handler.handle({ serverId: id })).toEqual({ reachable: false, status: 'invalid' });
    expect(await reload(id)).toMatchObject({ status: 'invalid', statusReasonCode: 'server.host_key_changed' });
    const [changed, ...more] = await notificationEventsAbout(stores.dataSource, id);
    expect(more).toEqual([]);
    expect(changed).toMatchObject({
      kind: 'server.host_key_changed',
      severity: 'error',
      title: `Host key of server ${(await reload(id)).name} changed`,
      url: `/servers/${id}`,
      data: expect.objectContaining({ serverId: id, reasonCode: 'server.host_key_changed' }),
    });
    expect(changed.message).toContain("The server's host key changed");
    // Invalid now: the checks skip it, nothing more is told.
    expect(await handler.handle({ serverId: id })).toEqual({ skipped: true });
    expect(await notificationEventsAbout(stores.dataSource, id)).toHaveLength(1);
  });

  it('does not check a server that is pending, validating or invalid, or gone', async () => {
    for (const status of ['pending', 'validating', 'invalid'] as const) {
      const id = await addServer({ status });
      expect(await handler.handle({ serverId: id })).toEqual({ skipped: true });
      expect(await samplesOf(id)).toEqual([]);
    }
    expect(await handler.handle({ serverId: randomUUID() })).toEqual({ skipped: true });
  });

  it('leaves the databases alone when the Docker Engine did not answer the sample', async () => {
    const id = await addServer();
    const noDocker = withSampler(new FakeServerSampler({ ...aServerSample(), dockerError: 'connect ENOENT /var/run/docker.sock' }));
    expect(await noDocker.handle({ serverId: id })).toEqual({ reachable: true, status: 'ready' });
    expect(reconciled).not.toContain(id);
    expect(await withSampler(new FakeServerSampler(aServerSample())).handle({ serverId: id })).toEqual({ reachable: true, status: 'ready' });
    expect(reconciled).toContain(id);
  });

  describe('alerts (sampler faked, rules and alerts real)', () => {
    const percentSample = (memory: number, disk = 40): ServerSample =>
      aServerSample({
        memoryUsedBytes: memory * 1024 ** 2,
        memoryTotalBytes: 100 * 1024 ** 2,
        diskUsedBytes: disk * 1024 ** 3,
        diskTotalBytes: 100 * 1024 ** 3,
      });

    it('opens the disk alert once however many checks breach at the same time, and resolves it when the disk is back under', async () => {
      const id = await addServer();
      const full = withSampler(new FakeServerSampler(percentSample(30, 83)));
      await Promise.all(Array.from({ length: 5 }, () => full.handle({ serverId: id })));
      await full.handle({ serverId: id });
      const open = await openAlerts(id);
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ metric: 'disk', operator: '>', threshold: 80, message: `Disk 83 % > 80 % on ${(await reload(id)).name}` });
      expect(open[0].value).toBeCloseTo(83, 6);
      // Five checks breaching at once opened one alert, and told it once.
      expect(await notificationEventsAbout(stores.dataSource, open[0].id)).toEqual([
        expect.objectContaining({
          kind: 'alert.fired',
          title: `Alert on ${(await reload(id)).name}: Disk > 80`,
          data: expect.objectContaining({ metric: 'disk', threshold: 80 }),
        }),
      ]);

      await withSampler(new FakeServerSampler(percentSample(30, 60))).handle({ serverId: id });
      expect(await openAlerts(id)).toEqual([]);
      expect((await notificationEventsAbout(stores.dataSource, open[0].id)).map((e) => e.kind)).toEqual(['alert.fired', 'alert.resolved']);
      // Breached again later: a new alert, the first stays resolved.
      await full.handle({ serverId: id });
      const all = await stores.dataSource.getRepository(AlertEventEntity).find({ where: { serverId: id }, order: { openedAt: 'ASC' } });
      expect(all.map((a) => a.resolvedAt === null)).toEqual([false, true]);
    });

    it('opens the memory alert only once memory stayed above 90 % for the 5 minutes of the default rule', async () => {
      const id = await addServer();
      const now = Date.now();
      // Earlier checks, every 60 s: above 90 % from 4 minutes ago on (not yet 5).
      const history = [270, 240, 180, 120, 60].map((secondsAgo, i) => ({
        serverId: id,
        teamId,
        resolution: 'raw' as const,
        ts: new Date(now - secondsAgo * 1000),
        reachable: true,
        memoryUsedBytes: String((i === 0 ? 50 : 95) * 1024 ** 2),
        memoryTotalBytes: String(100 * 1024 ** 2),
        containers: [],
      }));
      await metrics().insert(history);
      const hot = withSampler(new FakeServerSampler(percentSample(95)));
      await hot.handle({ serverId: id });
      expect(await openAlerts(id)).toEqual([]);

      // Had it been above since 5 minutes ago, the same check opens it.
      await metrics().update({ serverId: id, ts: history[0].ts }, { memoryUsedBytes: String(95 * 1024 ** 2), ts: new Date(now - 300_000) });
      await hot.handle({ serverId: id });
      const [open] = await openAlerts(id);
      expect(open).toMatchObject({ metric: 'memory', message: expect.stringMatching(/^Memory 95 % > 90 % for 5 min on s-/) });
    });

    it('resolves an open alert when its rule is turned off or changed so the figure is fine', async () => {
      const id = await addServer();
      const rules = new AlertRulesRepository(stores.dataSource.manager);
      const cpu: AlertRuleFields = { metric: 'cpu', operator: '>=', threshold: 0, durationSeconds: 0, enabled: true };
      const rule = await rules.add(teamScope(teamId), id, cpu);
      const checks = withSampler(new FakeServerSampler(aServerSample({ cpuPercent: 3 })));
      await checks.handle({ serverId: id });
      expect((await openAlerts(id)).map((a) => a.ruleId)).toEqual([rule.id]);

      await rules.change(teamScope(teamId), rule.id, { ...cpu, operator: '>', threshold: 100 });
      await checks.handle({ serverId: id });
      expect(await openAlerts(id)).toEqual([]);

      await rules.change(teamScope(teamId), rule.id, cpu);
      await checks.handle({ serverId: id });
      expect(await openAlerts(id)).toHaveLength(1);
      await rules.change(teamScope(teamId), rule.id, { ...cpu, enabled: false });
      await checks.handle({ serverId: id });
      expect(await openAlerts(id)).toEqual([]);
    });
  });
});
