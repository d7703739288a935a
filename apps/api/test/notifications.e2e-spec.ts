import { Client } from 'pg';
import {
  type LiveEndedMessage,
  LiveTopics,
  type NotificationDto,
  type NotificationLiveEvent,
  type NotificationUnreadDto,
  type Paginated,
  type ProblemDetails,
  Role,
  TEAM_HEADER,
} from '@zpanel/contracts';
import type { AppConfig } from '@zpanel/core';
import { LiveStreams, createRedisClient } from '@zpanel/queue';
import { type EventsSocket, type Joined, connectEvents, joinTeam, liveSubscribe, useOwnedStack, waitFor } from '@zpanel/testing';
import type Redis from 'ioredis';

/**
 * The notification centre and its live subscription through the built API (events inserted as the
 * recorder leaves them, live events appended as the worker's fan-out does; the real fan-out is in
 * notifications-delivery.e2e-spec.ts): who sees what in a team, read marks, tenancy.
 */
describe('notification centre (built api)', () => {
  const suite = useOwnedStack();
  const { call } = suite;
  let teamB: string;
  let viewer: Joined;
  let outsider: Joined;
  let token: string;
  const ids: Record<string, string> = {};
  const occurred: Record<string, string> = {};
  const sockets: EventsSocket[] = [];
  let redis: Redis | undefined;

  const fieldsOf = (body: ProblemDetails) => [...new Set(body.errors?.map((e) => e.field))].join();
  const inTeam = (teamId: string) => ({ [TEAM_HEADER]: teamId });
  const list = async (credential: string, query = '', teamId = suite.owner.teamId) =>
    call<Paginated<NotificationDto>>('GET', `/api/v1/notifications${query}`, credential, undefined, inTeam(teamId));
  const titles = async (credential: string, query = '') =>
    (await list(credential, query)).body.items.map((n) => `${n.title}${n.read ? ' (read)' : ''}`);
  const unread = async (credential: string, teamId = suite.owner.teamId) =>
    (await call<NotificationUnreadDto>('GET', '/api/v1/notifications/unread-count', credential, undefined, inTeam(teamId))).body.unread;
  const mark = (credential: string, body: unknown, teamId = suite.owner.teamId) =>
    call<NotificationUnreadDto & ProblemDetails>('POST', '/api/v1/notifications/read', credential, body, inTeam(teamId));

  /** Plays the worker's fan-out: appends to the stack's live streams. */
  const workerStreams = async () => {
    const config = { redis: { url: suite.stack.redisUrl, prefix: suite.stack.redisPrefix } } as AppConfig;
    const client = (redis ??= createRedisClient(config, 'test-fanout-side'));
    await waitFor(async () => ((await client.ping().catch(() => undefined)) === 'PONG' ? true : undefined), 5_000, 'redis');
    return new LiveStreams(client, config);
  };
  const liveEvent = (title: string, teamId: string | null): NotificationLiveEvent => ({
    type: 'notification',
    notification: {
      id: '00000000-0000-4000-8000-000000000000',
      teamId,
      kind: 'deployment.failed',
      severity: 'error',
      title,
      message: 'why',
      url: null,
      subjectType: null,
      subjectId: null,
      projectId: null,
      environmentId: null,
      occurredAt: new Date().toISOString(),
      read: false,
    },
  });
  const connect = async (credential: string) => {
    const socket = await connectEvents(suite.stack.baseUrl, credential);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    viewer = await joinTeam(call, suite.owner, 'viewer@example.com', Role.Viewer);
    teamB = (await call<{ teamId: string }>('POST', '/api/v1/teams', suite.owner.accessToken, { name: 'Team B' })).body.teamId;
    outsider = await joinTeam(call, { accessToken: suite.owner.accessToken, teamId: teamB }, 'outsider@example.com', Role.Member);
    token = (
      await call<{ token: string }>('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, suite.owner.accessToken, {
        name: 'ci',
        abilities: ['read'],
      })
    ).body.token;
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      const add = async (
        name: string,
        minutesAgo: number,
        row: { teamId: string | null; userId?: string; audience: string; kind: string; url?: string },
      ): Promise<void> => {
        const result = await db.query<{ id: string; occurred_at: Date }>(
          `INSERT INTO notification_events (team_id, user_id, audience, kind, severity, title, message, url, occurred_at, fanned_out_at)
           VALUES ($1, $2, $3, $4, 'info', $5, 'message', $6, now() - make_interval(mins => $7), now()) RETURNING id, occurred_at`,
          [row.teamId, row.userId ?? null, row.audience, row.kind, name, row.url ?? null, minutesAgo],
        );
        ids[name] = result.rows[0].id;
        occurred[name] = result.rows[0].occurred_at.toISOString();
      };
      const a = suite.owner.teamId;
      await add('team event', 50, { teamId: a, audience: 'team', kind: 'deployment.failed', url: '/applications/x/deployments/y' });
      await add('owners notice', 40, { teamId: a, audience: 'owners', kind: 'channel.failing' });
      await add('owner sign-in', 30, { teamId: null, userId: suite.owner.userId, audience: 'user', kind: 'account.new_sign_in' });
      await add('viewer sign-in', 20, { teamId: null, userId: viewer.userId, audience: 'user', kind: 'account.new_sign_in' });
      await add('team B event', 10, { teamId: teamB, audience: 'team', kind: 'deployment.failed' });
      await add('owner event in B', 5, { teamId: teamB, userId: suite.owner.userId, audience: 'user', kind: 'account.two_factor_changed' });
      await add('latest team event', 1, { teamId: a, audience: 'team', kind: 'backup.failed' });
    } finally {
      await db.end();
    }
  });
  afterAll(() => {
    for (const socket of sockets) socket.disconnect();
    redis?.disconnect();
  });

  it("shows a person the team's events, the owners' notices to an owner and their own events; an API token the team's only", async () => {
    expect(await titles(suite.owner.accessToken)).toEqual(['latest team event', 'owner sign-in', 'owners notice', 'team event']);
    expect(await titles(viewer.accessToken)).toEqual(['latest team event', 'viewer sign-in', 'team event']);
    expect(await titles(token)).toEqual(['latest team event', 'team event']);
    expect((await list(outsider.accessToken, '', teamB)).body.items.map((n) => n.title)).toEqual(['team B event']);
    // The owner's own event of team B shows in team B, not in A.
    expect((await list(suite.owner.accessToken, '', teamB)).body.items.map((n) => n.title)).toEqual([
      'owner event in B',
      'team B event',
      'owner sign-in',
    ]);
    expect([await unread(suite.owner.accessToken), await unread(viewer.accessToken), await unread(token)]).toEqual([4, 3, 2]);

    const first = (await list(suite.owner.accessToken, '?perPage=1&page=4')).body;
    expect(first).toMatchObject({ total: 4, page: 4, perPage: 1 });
    expect(first.items[0]).toEqual({
      id: ids['team event'],
      teamId: suite.owner.teamId,
      kind: 'deployment.failed',
      severity: 'info',
      title: 'team event',
      message: 'message',
      // No public URL is set: a path.
      url: '/applications/x/deployments/y',
      subjectType: null,
      subjectId: null,
      projectId: null,
      environmentId: null,
      occurredAt: occurred['team event'],
      read: false,
    });
  });

  it("marks read only what the caller sees here, ignoring other teams' and other people's ids without telling them apart", async () => {
    const marked = await mark(suite.owner.accessToken, {
      ids: [ids['team event'], ids['team B event'], ids['viewer sign-in'], '00000000-0000-4000-8000-000000000001'],
    });
    expect([marked.status, marked.body.unread]).toEqual([200, 3]);
    expect(await titles(suite.owner.accessToken)).toEqual(['latest team event', 'owner sign-in', 'owners notice', 'team event (read)']);
    // Nobody else's marks changed: the team B event is still unread for its owner there, the viewer's own still unread.
    expect(await titles(suite.owner.accessToken, '?unread=true')).toEqual(['latest team event', 'owner sign-in', 'owners notice']);
    expect((await list(suite.owner.accessToken, '?unread=true', teamB)).body.items.map((n) => n.title)).toContain('team B event');
    expect(await titles(viewer.accessToken)).toEqual(['latest team event', 'viewer sign-in', 'team event']);
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      const marks = await db.query('SELECT 1 FROM notification_reads WHERE event_id = ANY($1)', [[ids['team B event'], ids['viewer sign-in']]]);
      expect(marks.rowCount).toBe(0);
    } finally {
      await db.end();
    }

    // An API token's marks are its creator's (and it counts the team's events only).
    expect((await mark(token, { ids: [ids['latest team event']] })).body.unread).toBe(0);
    expect(await unread(suite.owner.accessToken)).toBe(2);

    // All, up to a time: what occurred after it stays unread.
    expect((await mark(suite.owner.accessToken, { all: true, before: occurred['owners notice'] })).body.unread).toBe(1);
    expect(await titles(suite.owner.accessToken, '?unread=true')).toEqual(['owner sign-in']);
    expect((await mark(suite.owner.accessToken, { all: true })).body.unread).toBe(0);
    expect(await unread(viewer.accessToken)).toBe(3);
    // Marking again changes nothing.
    expect((await mark(suite.owner.accessToken, { ids: [ids['team event']] })).body.unread).toBe(0);
  });

  it('refuses a bad request with a 400 naming the field, and another team with a 404', async () => {
    const cases: [unknown, string][] = [
      [{}, 'ids'],
      [{ ids: [ids['team event']], all: true }, 'ids'],
      [{ all: false }, 'ids'],
      [{ ids: ['nope'] }, 'ids'],
      [{ ids: 'x' }, 'ids'],
      [{ ids: Array.from({ length: 201 }, () => ids['team event']) }, 'ids'],
      [{ all: true, before: 'yesterday' }, 'before'],
      [{ ids: [ids['team event']], before: occurred['team event'] }, 'before'],
      [{ all: 'yes' }, 'all'],
      [{ all: true, extra: 1 }, 'extra'],
    ];
    const outcomes: string[] = [];
    for (const [body] of cases) {
      const res = await mark(viewer.accessToken, body);
      outcomes.push(`${JSON.stringify(body).slice(0, 50)} -> ${res.status} ${fieldsOf(res.body)}`);
    }
    expect(outcomes).toEqual(cases.map(([body, field]) => `${JSON.stringify(body).slice(0, 50)} -> 400 ${field}`));
    const badQuery = await call<ProblemDetails>(
      'GET',
      '/api/v1/notifications?unread=maybe',
      viewer.accessToken,
      undefined,
      inTeam(suite.owner.teamId),
    );
    expect([badQuery.status, fieldsOf(badQuery.body)]).toEqual([400, 'unread']);
    expect(await unread(viewer.accessToken)).toBe(3);

    // Another team's notifications do not exist for an outsider, nor for a token of another team.
    for (const [credential, teamId] of [
      [outsider.accessToken, suite.owner.teamId],
      [token, teamB],
    ]) {
      const outcomes = [
        (await list(credential, '', teamId)).status,
        (await call('GET', '/api/v1/notifications/unread-count', credential, undefined, inTeam(teamId))).status,
        (await mark(credential, { all: true }, teamId)).status,
      ];
      expect(outcomes).toEqual([404, 404, 404]);
    }
    expect(await unread(viewer.accessToken)).toBe(3);
  });

  describe('live subscription', () => {
    it("delivers the team's events and the person's own of this team or of none, nothing of another team", async () => {
      const socket = await connect(suite.owner.accessToken);
      const sub = await liveSubscribe<NotificationLiveEvent>(socket, { kind: 'notifications', teamId: suite.owner.teamId });
      expect(sub.result).toEqual({ ok: true, subscriptionId: sub.subscriptionId });
      const streams = await workerStreams();
      await streams.append(LiveTopics.teamNotifications(teamB), liveEvent('team B', teamB));
      await streams.append(LiveTopics.userNotifications(suite.owner.userId), liveEvent('own notice of team B', teamB));
      await streams.append(LiveTopics.userNotifications(viewer.userId), liveEvent("the viewer's own", null));
      await streams.append(LiveTopics.userNotifications(suite.owner.userId), liveEvent('own sign-in', null));
      await streams.append(LiveTopics.teamNotifications(suite.owner.teamId), liveEvent('team A', suite.owner.teamId));
      await streams.append(LiveTopics.userNotifications(suite.owner.userId), liveEvent('own notice of team A', suite.owner.teamId));
      await waitFor(async () => (sub.events.length >= 3 ? true : undefined), 5_000, 'the live notifications');
      // The ack of a later round trip proves the gateway had its chance to forward anything else.
      await socket.timeout(5_000).emitWithAck('system:status:get');
      expect(sub.events.map((e) => e.event.notification.title).sort()).toEqual(['own notice of team A', 'own sign-in', 'team A']);
    });

    it("gives a viewer the team's events and their own only, and an API token the team's only", async () => {
      const viewerSocket = await connect(viewer.accessToken);
      const viewerSub = await liveSubscribe<NotificationLiveEvent>(viewerSocket, { kind: 'notifications', teamId: suite.owner.teamId });
      const tokenSocket = await connect(token);
      const tokenSub = await liveSubscribe<NotificationLiveEvent>(tokenSocket, { kind: 'notifications', teamId: suite.owner.teamId });
      expect([viewerSub.result.ok, tokenSub.result.ok]).toEqual([true, true]);
      const streams = await workerStreams();
      await streams.append(LiveTopics.userNotifications(suite.owner.userId), liveEvent("the owner's own", null));
      await streams.append(LiveTopics.userNotifications(viewer.userId), liveEvent("the viewer's own", null));
      await streams.append(LiveTopics.teamNotifications(suite.owner.teamId), liveEvent('team A', suite.owner.teamId));
      await waitFor(async () => (viewerSub.events.length >= 2 && tokenSub.events.length >= 1 ? true : undefined), 5_000, 'the live notifications');
      await viewerSocket.timeout(5_000).emitWithAck('system:status:get');
      await tokenSocket.timeout(5_000).emitWithAck('system:status:get');
      expect(viewerSub.events.map((e) => e.event.notification.title).sort()).toEqual(['team A', "the viewer's own"]);
      expect(tokenSub.events.map((e) => e.event.notification.title)).toEqual(['team A']);
    });

    it('refuses a bad team id (400 naming it) and another team (404), and ends when the person leaves the team', async () => {
      const socket = await connect(outsider.accessToken);
      const bad = await liveSubscribe(socket, { kind: 'notifications', teamId: "x'; rm -rf /" });
      expect(bad.result).toMatchObject({ ok: false, status: 400, errors: [{ field: 'teamId' }] });
      const foreign = await liveSubscribe(socket, { kind: 'notifications', teamId: suite.owner.teamId });
      expect(foreign.result).toMatchObject({ ok: false, status: 404, code: 'not_found' });

      const leaving = await joinTeam(call, suite.owner, 'leaving@example.com', Role.Member);
      const leavingSocket = await connect(leaving.accessToken);
      const sub = await liveSubscribe(leavingSocket, { kind: 'notifications', teamId: suite.owner.teamId });
      expect(sub.result.ok).toBe(true);
      const ended = new Promise<LiveEndedMessage>((resolve) => leavingSocket.once('live:ended', resolve));
      expect((await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/members/${leaving.userId}`, suite.owner.accessToken)).status).toBe(204);
      expect(await ended).toMatchObject({ subscriptionId: sub.subscriptionId, reason: 'forbidden' });
    });
  });
});
