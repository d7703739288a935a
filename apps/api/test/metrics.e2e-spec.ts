import {
  type AlertEventDto,
  type AlertRuleDto,
  type Paginated,
  type ProblemDetails,
  Role,
  type ServerDto,
  type ServerLiveEvent,
  type ServerMetricsDto,
} from '@zpanel/contracts';
import { type EventsSocket, addTestServer, connectEvents, joinTeam, liveSubscribe, useOwnedStack, validationSettled, waitFor } from '@zpanel/testing';

/** Periodic checks of the test server through the built API and worker: samples, live pushes, alert rules and alerts. */
describe('server checks, metrics and alerts (built api + worker, test server)', () => {
  const suite = useOwnedStack({ worker: true });
  const { asOwner, inTeam: call } = suite;
  let keyId: string;
  let server: ServerDto;
  const sockets: EventsSocket[] = [];

  const fieldsOf = (r: { body: unknown }) => [...new Set(((r.body as ProblemDetails).errors ?? []).map((e) => e.field))];
  const subscribe = async (request: Parameters<typeof liveSubscribe>[1]) => {
    const socket = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
    sockets.push(socket);
    const subscription = await liveSubscribe<ServerLiveEvent>(socket, request);
    expect(subscription.result).toEqual({ ok: true, subscriptionId: subscription.subscriptionId });
    return subscription;
  };

  beforeAll(async () => {
    const created = await addTestServer(asOwner, { checkIntervalSeconds: 5 });
    keyId = created.sshKeyId;
    await asOwner('POST', `/api/v1/servers/${created.id}/validate`);
    server = await validationSettled(asOwner, created.id);
    expect(server.status).toBe('ready');
  });
  afterAll(() => {
    for (const socket of sockets) socket.disconnect();
  });

  it('gives every new server the default alert rules and a check interval (its own, or the instance default)', async () => {
    expect(server.checkIntervalSeconds).toBe(5);
    const rules = (await asOwner<Paginated<AlertRuleDto>>('GET', `/api/v1/servers/${server.id}/alert-rules`)).body;
    expect(rules.items.map((r) => [r.metric, r.operator, r.threshold, r.durationSeconds, r.enabled])).toEqual([
      ['memory', '>', 90, 300, true],
      ['disk', '>', 80, 0, true],
      ['unreachable', '>', 0, 0, true],
    ]);

    const other = (await asOwner<ServerDto>('POST', '/api/v1/servers', { name: 'other', host: '192.0.2.20', sshKeyId: keyId })).body;
    expect(other).toMatchObject({ checkIntervalSeconds: 60, lastCheckedAt: null });
    expect((await asOwner<ServerDto>('PATCH', `/api/v1/servers/${other.id}`, { checkIntervalSeconds: 3600 })).body.checkIntervalSeconds).toBe(3600);
    expect((await asOwner<ServerDto>('PATCH', `/api/v1/servers/${other.id}`, { checkIntervalSeconds: null })).body.checkIntervalSeconds).toBe(60);
    for (const bad of [4, 3601, 7.5, '60']) {
      const r = await asOwner('PATCH', `/api/v1/servers/${other.id}`, { checkIntervalSeconds: bad });
      expect({ bad, status: r.status, fields: fieldsOf(r) }).toEqual({ bad, status: 400, fields: ['checkIntervalSeconds'] });
    }
    expect(
      fieldsOf(await asOwner('POST', '/api/v1/servers', { name: 'fast', host: '192.0.2.21', sshKeyId: keyId, checkIntervalSeconds: 1 })),
    ).toEqual(['checkIntervalSeconds']);
    expect((await asOwner('DELETE', `/api/v1/servers/${other.id}`)).status).toBe(204);
  });

  it('checks the server every few seconds: samples arrive live and are listed by GET metrics', async () => {
    const live = await subscribe({ kind: 'server', serverId: server.id });
    const samples = () => live.events.map((e) => e.event).filter((e): e is Extract<ServerLiveEvent, { type: 'metrics' }> => e.type === 'metrics');
    await waitFor(async () => (samples().length >= 2 ? true : undefined), 30_000, 'two samples pushed live');
    const [first, second] = samples();
    expect(first).toMatchObject({ serverId: server.id, sample: { reachable: true } });
    const gapSeconds = (Date.parse(second.sample.ts) - Date.parse(first.sample.ts)) / 1000;
    // Every 5 s (a check that waited for one tick more would come 10 s after the last).
    expect(gapSeconds).toBeGreaterThanOrEqual(3);
    expect(gapSeconds).toBeLessThan(9);
    const sample = first.sample;
    expect(sample.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(sample.cpuPercent).toBeLessThanOrEqual(100);
    expect(sample.memoryUsedBytes).toBeGreaterThan(0);
    expect(sample.memoryUsedBytes).toBeLessThan(sample.memoryTotalBytes as number);
    expect(sample.diskUsedBytes).toBeGreaterThan(0);
    expect(sample.diskUsedBytes).toBeLessThan(sample.diskTotalBytes as number);
    expect(sample.load1).toBeGreaterThanOrEqual(0);

    const metrics = (await asOwner<ServerMetricsDto>('GET', `/api/v1/servers/${server.id}/metrics?range=1h`)).body;
    expect(metrics).toMatchObject({ serverId: server.id, range: '1h', resolutionSeconds: 5 });
    expect(metrics.points).toEqual(expect.arrayContaining([first.sample, second.sample]));
    const times = metrics.points.map((p) => Date.parse(p.ts));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect((await asOwner<ServerMetricsDto>('GET', `/api/v1/servers/${server.id}/metrics`)).body.range).toBe('1h');

    for (const [range, resolutionSeconds] of [
      ['24h', 60],
      ['7d', 600],
    ] as const) {
      const averaged = (await asOwner<ServerMetricsDto>('GET', `/api/v1/servers/${server.id}/metrics?range=${range}`)).body;
      expect(averaged).toMatchObject({ range, resolutionSeconds });
      expect(averaged.points.length).toBeGreaterThan(0);
      expect(averaged.points.every((p) => p.reachable && p.containers.length === 0 && Date.parse(p.ts) % (resolutionSeconds * 1000) === 0)).toBe(
        true,
      );
    }

    const pushed = samples().map((e) => Date.parse(e.sample.ts));
    process.stdout.write(
      `seconds between pushed samples (interval 5 s): ${pushed
        .slice(1)
        .map((t, i) => ((t - pushed[i]) / 1000).toFixed(1))
        .join(', ')}\n`,
    );

    const checked = (await asOwner<ServerDto>('GET', `/api/v1/servers/${server.id}`)).body;
    expect(checked.status).toBe('ready');
    expect(Date.parse(checked.lastCheckedAt as string)).toBeGreaterThanOrEqual(Date.parse(first.sample.ts));
  });

  it('opens exactly one alert for a rule that always holds, shows and pushes it, and resolves it when the rule changes', async () => {
    const team = await subscribe({ kind: 'team', teamId: suite.owner.teamId });
    const alerts = () => team.events.map((e) => e.event).filter((e): e is Extract<ServerLiveEvent, { type: 'alert' }> => e.type === 'alert');
    const created = await asOwner<AlertRuleDto>('POST', `/api/v1/servers/${server.id}/alert-rules`, { metric: 'cpu', operator: '>=', threshold: 0 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ serverId: server.id, metric: 'cpu', operator: '>=', threshold: 0, durationSeconds: 0, enabled: true });
    const rule = created.body;

    const opened = await waitFor(async () => alerts().find((a) => a.alert.ruleId === rule.id)?.alert, 30_000, 'the alert pushed to the team');
    expect(opened).toMatchObject({
      serverId: server.id,
      state: 'open',
      metric: 'cpu',
      resolvedAt: null,
      message: expect.stringMatching(/^CPU [\d.]+ % >= 0 % on test-server$/),
    });

    // Two more checks breach the rule again: still one alert.
    const samplesBefore = (await asOwner<ServerMetricsDto>('GET', `/api/v1/servers/${server.id}/metrics`)).body.points.length;
    await waitFor(
      async () =>
        (await asOwner<ServerMetricsDto>('GET', `/api/v1/servers/${server.id}/metrics`)).body.points.length >= samplesBefore + 2 ? true : undefined,
      30_000,
      'two more checks',
    );
    const open = (await asOwner<Paginated<AlertEventDto>>('GET', `/api/v1/servers/${server.id}/alerts?state=open`)).body;
    expect(open.items.filter((a) => a.ruleId === rule.id)).toEqual([opened]);
    expect((await asOwner<Paginated<AlertEventDto>>('GET', '/api/v1/alerts?state=open')).body.items).toContainEqual(opened);
    expect(alerts().filter((a) => a.alert.ruleId === rule.id)).toHaveLength(1);

    const changed = await asOwner<AlertRuleDto>('PATCH', `/api/v1/servers/${server.id}/alert-rules/${rule.id}`, { operator: '>', threshold: 100 });
    expect(changed.body).toMatchObject({ id: rule.id, operator: '>', threshold: 100 });
    const resolved = await waitFor(
      async () => alerts().find((a) => a.alert.ruleId === rule.id && a.alert.state === 'resolved')?.alert,
      30_000,
      'the resolved alert pushed',
    );
    expect(resolved).toMatchObject({ id: opened.id, resolvedAt: expect.any(String) });
    expect(
      (await asOwner<Paginated<AlertEventDto>>('GET', `/api/v1/servers/${server.id}/alerts?state=open`)).body.items.filter(
        (a) => a.ruleId === rule.id,
      ),
    ).toEqual([]);
    expect((await asOwner<Paginated<AlertEventDto>>('GET', `/api/v1/servers/${server.id}/alerts?state=resolved`)).body.items).toContainEqual(
      resolved,
    );
    expect((await asOwner<Paginated<AlertEventDto>>('GET', `/api/v1/servers/${server.id}/alerts?perPage=1`)).body).toMatchObject({
      perPage: 1,
      items: [expect.any(Object)],
    });

    expect((await asOwner('DELETE', `/api/v1/servers/${server.id}/alert-rules/${rule.id}`)).status).toBe(204);
    expect((await asOwner('PATCH', `/api/v1/servers/${server.id}/alert-rules/${rule.id}`, { threshold: 5 })).status).toBe(404);
    expect(
      (await asOwner<Paginated<AlertEventDto>>('GET', `/api/v1/servers/${server.id}/alerts`)).body.items.filter((a) => a.ruleId === rule.id),
    ).toEqual([]);
  });

  it('refuses invalid rules and queries with a 400 naming each field', async () => {
    const rules = `/api/v1/servers/${server.id}/alert-rules`;
    const cases: [unknown, string[]][] = [
      [{ metric: 'temperature', threshold: 1 }, ['metric']],
      [{ metric: 'cpu', operator: '!=', threshold: 1 }, ['operator']],
      [{ metric: 'cpu' }, ['threshold']],
      [{ metric: 'cpu', threshold: 101 }, ['threshold']],
      [{ metric: 'disk', threshold: -1 }, ['threshold']],
      [{ metric: 'memory', threshold: '90' }, ['threshold']],
      [{ metric: 'load', threshold: 2, durationSeconds: 86_401 }, ['durationSeconds']],
      [{ metric: 'load', threshold: 2, durationSeconds: 1.5 }, ['durationSeconds']],
      [{ metric: 'load', threshold: 2, enabled: 'yes' }, ['enabled']],
      [{ metric: 'load', threshold: 2, owner: 'me' }, ['owner']],
      [{ metric: '$(touch /tmp/zp-pwned-rules)', operator: "'; DROP TABLE alert_rules; --", threshold: 1 }, ['metric', 'operator']],
    ];
    for (const [body, fields] of cases) {
      const res = await asOwner('POST', rules, body);
      expect({ body, status: res.status, fields: fieldsOf(res) }).toEqual({ body, status: 400, fields });
    }
    // Load may go above 100; unreachable needs no threshold.
    const load = (await asOwner<AlertRuleDto>('POST', rules, { metric: 'load', operator: '>', threshold: 150 })).body;
    expect(load.threshold).toBe(150);
    const unreachable = await asOwner<AlertRuleDto>('POST', rules, { metric: 'unreachable', durationSeconds: 600 });
    expect(unreachable.body).toMatchObject({ metric: 'unreachable', operator: '>', threshold: 0, durationSeconds: 600 });
    // Changing the metric checks the stored threshold against the new one.
    const wrong = await asOwner<ProblemDetails>('PATCH', `${rules}/${load.id}`, { metric: 'cpu' });
    expect(fieldsOf(wrong)).toEqual(['threshold']);
    expect((await asOwner<AlertRuleDto>('PATCH', `${rules}/${load.id}`, { metric: 'cpu', threshold: 95 })).body).toMatchObject({
      metric: 'cpu',
      threshold: 95,
    });
    expect(fieldsOf(await asOwner('PATCH', `${rules}/not-a-uuid`, { threshold: 1 }))).toEqual(['ruleId']);
    expect(fieldsOf(await asOwner('GET', `/api/v1/servers/${server.id}/metrics?range=30d`))).toEqual(['range']);
    expect(fieldsOf(await asOwner('GET', `/api/v1/servers/${server.id}/alerts?state=closed`))).toEqual(['state']);
    expect(fieldsOf(await asOwner('GET', '/api/v1/alerts?perPage=0'))).toEqual(['perPage']);
    for (const id of [load.id, unreachable.body.id]) expect((await asOwner('DELETE', `${rules}/${id}`)).status).toBe(204);
  });

  it('lets a viewer read metrics, rules and alerts, and change nothing', async () => {
    const viewer = await joinTeam(call, suite.owner, 'watcher@example.com', Role.Viewer);
    const asViewer = (method: string, path: string, body?: unknown) => call(method, path, viewer.accessToken, body);
    const rules = `/api/v1/servers/${server.id}/alert-rules`;
    for (const path of [`/api/v1/servers/${server.id}/metrics?range=24h`, rules, `/api/v1/servers/${server.id}/alerts`, '/api/v1/alerts']) {
      expect({ path, status: (await asViewer('GET', path)).status }).toEqual({ path, status: 200 });
    }
    const disk = (await asOwner<Paginated<AlertRuleDto>>('GET', rules)).body.items.find((r) => r.metric === 'disk') as AlertRuleDto;
    expect((await asViewer('POST', rules, { metric: 'cpu', threshold: 50 })).status).toBe(403);
    expect((await asViewer('PATCH', `${rules}/${disk.id}`, { threshold: 10 })).status).toBe(403);
    expect((await asViewer('DELETE', `${rules}/${disk.id}`)).status).toBe(403);
    expect((await asOwner<Paginated<AlertRuleDto>>('GET', rules)).body.items.find((r) => r.id === disk.id)).toEqual(disk);
  });

  it('records rule changes in the audit log', async () => {
    const events = (await asOwner<Paginated<{ action: string; target: { type: string } | null }>>('GET', '/api/v1/audit-events?perPage=100')).body
      .items;
    const actions = events.filter((e) => e.target?.type === 'alert_rule').map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['alert_rule.created', 'alert_rule.updated', 'alert_rule.deleted']));
  });
});
