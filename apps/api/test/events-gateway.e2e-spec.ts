import { Client } from 'pg';
import {
  type ClientToServerEvents,
  EVENTS_NAMESPACE,
  type LiveEndedMessage,
  LiveTopics,
  type ServerLiveEvent,
  type ServerToClientEvents,
  Role,
  type SystemStatus,
} from '@zpanel/contracts';
import { type AppConfig, deriveKey, signJwt } from '@zpanel/core';
import { LiveStreams, createRedisClient } from '@zpanel/queue';
import { type EventsSocket, connectEvents, joinTeam, liveSubscribe, signIn, useOwnedStack, waitFor } from '@zpanel/testing';
import type Redis from 'ioredis';
import { type Socket, io } from 'socket.io-client';

describe('live events gateway (built api)', () => {
  const suite = useOwnedStack();
  const { call } = suite;
  /** A read-only API token of the owner's team, expiring at `expiresAt` when given. */
  const readToken = async (name: string, expiresAt?: string) =>
    (
      await call<{ id: string; token: string }>('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, suite.owner.accessToken, {
        name,
        abilities: ['read'],
        ...(expiresAt === undefined ? {} : { expiresAt }),
      })
    ).body;
  const sockets: Socket[] = [];

  afterAll(() => {
    for (const socket of sockets) socket.disconnect();
    redis?.disconnect();
  });
  let redis: Redis | undefined;
  /** Plays the worker's part: appends to the stack's live streams. */
  const workerStreams = async () => {
    const config = { redis: { url: suite.stack.redisUrl, prefix: suite.stack.redisPrefix } } as AppConfig;
    const client = (redis ??= createRedisClient(config, 'test-worker-side'));
    await waitFor(async () => ((await client.ping().catch(() => undefined)) === 'PONG' ? true : undefined), 5_000, 'redis');
    return new LiveStreams(client, config);
  };

  const connect = (token?: string): Socket<ServerToClientEvents, ClientToServerEvents> => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${suite.stack.baseUrl}${EVENTS_NAMESPACE}`, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      auth: token === undefined ? {} : { token },
    });
    sockets.push(socket);
    return socket;
  };
  const refused = (socket: Socket) =>
    new Promise<string>((resolve, reject) => {
      socket.once('connect_error', (error) => resolve(error.message));
      socket.once('system:status', () => reject(new Error('an unauthenticated socket received an event')));
      socket.once('connect', () => reject(new Error('an unauthenticated socket connected')));
    });

  it.each([
    ['no token', undefined],
    ['an empty token', ''],
    ['a forged access token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
    ['an unknown API token', 'zp_000000000000000000000000000000000000'],
  ])('refuses a handshake with %s before sending any event', async (_case, token) => {
    expect(await refused(connect(token))).toBe('unauthorized');
  });

  it('accepts a signed-in person and sends the system status at once', async () => {
    const socket = connect(suite.owner.accessToken);
    const status = await new Promise<SystemStatus>((resolve) => socket.once('system:status', resolve));
    expect(status.readiness.status).toBe('ready');
    const asked = await socket.timeout(5_000).emitWithAck('system:status:get');
    expect(asked.version).toBe(status.version);
  });

  it('accepts an API token, and refuses it once revoked', async () => {
    const created = await readToken('ws');
    const socket = connect(created.token);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/api-tokens/${created.id}`, suite.owner.accessToken);
    expect(await refused(connect(created.token))).toBe('unauthorized');
  });

  describe('live subscriptions', () => {
    let serverId: string;

    beforeAll(async () => {
      const key = (await suite.asOwner<{ id: string }>('POST', '/api/v1/ssh-keys', { name: 'live' })).body;
      serverId = (await suite.asOwner<{ id: string }>('POST', '/api/v1/servers', { name: 'live-1', host: '192.0.2.20', sshKeyId: key.id })).body.id;
    });

    const status = (statusReason: string): ServerLiveEvent => ({
      type: 'status',
      serverId,
      status: 'unreachable',
      statusReason,
      statusReasonCode: 'server.unreachable',
    });

    it('delivers events of a server the caller may read, and stops after unsubscribe', async () => {
      const socket = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
      sockets.push(socket);
      const sub = await liveSubscribe<ServerLiveEvent>(socket, { kind: 'server', serverId });
      expect(sub.result).toEqual({ ok: true, subscriptionId: sub.subscriptionId });
      await (await workerStreams()).append(LiveTopics.server(serverId), status('first'));
      await waitFor(async () => (sub.events.length === 1 ? true : undefined), 5_000, 'the live event');
      expect(sub.events[0].event).toEqual(status('first'));
      expect(await socket.timeout(5_000).emitWithAck('live:unsubscribe', sub.subscriptionId)).toBe(true);
      await (await workerStreams()).append(LiveTopics.server(serverId), status('second'));
      // The ack of a later round trip proves the gateway had its chance to forward the second event.
      await socket.timeout(5_000).emitWithAck('system:status:get');
      expect(sub.events).toHaveLength(1);
    });

    it('delivers team events to the team, and names the subscription as the client chose', async () => {
      const socket = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
      sockets.push(socket);
      const sub = await liveSubscribe<ServerLiveEvent>(socket, { kind: 'team', teamId: suite.owner.teamId }, 'servers-list');
      expect(sub.result).toEqual({ ok: true, subscriptionId: 'servers-list' });
      await (await workerStreams()).append(LiveTopics.team(suite.owner.teamId), status('team'));
      await waitFor(async () => (sub.events.length === 1 ? true : undefined), 5_000, 'the team event');
      expect(sub.events[0]).toEqual({ subscriptionId: 'servers-list', id: expect.stringMatching(/^\d+-\d+$/), event: status('team') });
    });

    it.each([
      ['an unknown kind', { kind: 'nope' }, 'kind'],
      ['a server id that is not a UUID', { kind: 'server', serverId: "x'; rm -rf /" }, 'serverId'],
      ['a team id that is not a UUID', { kind: 'team', teamId: 42 }, 'teamId'],
    ])('refuses %s with a 400 naming the field', async (_case, request, field) => {
      const socket = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
      sockets.push(socket);
      const { result } = await liveSubscribe(socket, request as never);
      expect(result).toEqual(expect.objectContaining({ ok: false, status: 400, errors: [expect.objectContaining({ field })] }));
    });

    it('refuses a subscription id used twice on one connection, and a malformed one', async () => {
      const socket = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
      sockets.push(socket);
      expect((await liveSubscribe(socket, { kind: 'server', serverId }, 'same')).result.ok).toBe(true);
      expect((await liveSubscribe(socket, { kind: 'server', serverId }, 'same')).result).toEqual(expect.objectContaining({ ok: false, status: 409 }));
      expect((await liveSubscribe(socket, { kind: 'server', serverId }, 'has space')).result).toEqual(
        expect.objectContaining({ ok: false, status: 400, errors: [expect.objectContaining({ field: 'subscriptionId' })] }),
      );
    });

    it('answers a missing server exactly like an existing one the caller cannot see', async () => {
      const socket = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
      sockets.push(socket);
      const { result } = await liveSubscribe(socket, { kind: 'server', serverId: '00000000-0000-4000-8000-000000000000' });
      expect(result).toEqual({ ok: false, status: 404, code: 'not_found', message: 'No such server' });
    });
  });
  describe('access re-checked after connect', () => {
    /** Resolves with the socket's next event of that name; a missing event fails the test instead of hanging it. */
    const next = <T>(socket: EventsSocket, event: 'live:ended' | 'disconnect') =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} event`)), 15_000);
        socket.once(event, ((value: T) => {
          clearTimeout(timer);
          resolve(value);
        }) as never);
      });
    const open = async (token: string) => {
      const socket = await connectEvents(suite.stack.baseUrl, token);
      sockets.push(socket);
      return socket;
    };
    const teamSubscription = async (socket: EventsSocket) => {
      const sub = await liveSubscribe(socket, { kind: 'team', teamId: suite.owner.teamId });
      expect(sub.result.ok).toBe(true);
      return sub.subscriptionId;
    };
    const joinAs = (email: string, role: Role) => joinTeam(suite.call, suite.owner, email, role);
    const withDatabase = async (run: (db: Client) => Promise<unknown>) => {
      const db = new Client({ connectionString: suite.stack.databaseUrl });
      await db.connect();
      try {
        await run(db);
      } finally {
        await db.end();
      }
    };

    it('ends the subscriptions of a revoked API token with a reason, and closes its connection', async () => {
      const created = await readToken('ws-live');
      const socket = await open(created.token);
      const subscriptionId = await teamSubscription(socket);
      const ended = next<LiveEndedMessage>(socket, 'live:ended');
      const closed = next<string>(socket, 'disconnect');
      expect((await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/api-tokens/${created.id}`, suite.owner.accessToken)).status).toBe(204);
      expect(await ended).toEqual({ subscriptionId, reason: 'revoked', message: expect.any(String) });
      expect(await closed).toBe('io server disconnect');
    });

    it('authenticates the credential again on every subscribe (an API token that expired since the handshake)', async () => {
      const created = await readToken('ws-expiring', new Date(Date.now() + 3600_000).toISOString());
      const socket = await open(created.token);
      await teamSubscription(socket);
      await withDatabase((db) => db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [created.id]));
      const closed = next<string>(socket, 'disconnect');
      const { result } = await liveSubscribe(socket, { kind: 'team', teamId: suite.owner.teamId });
      expect(result).toEqual(expect.objectContaining({ ok: false, status: 401 }));
      expect(await closed).toBe('io server disconnect');
    });

    it('ends the subscriptions and the connection of an API token when it expires', async () => {
      const created = await readToken('ws-short', new Date(Date.now() + 5_000).toISOString());
      const socket = await open(created.token);
      const subscriptionId = await teamSubscription(socket);
      const ended = next<LiveEndedMessage>(socket, 'live:ended');
      const closed = next<string>(socket, 'disconnect');
      expect(await ended).toEqual({ subscriptionId, reason: 'revoked', message: 'The API token expired' });
      expect(await closed).toBe('io server disconnect');
    });

    it('ends the subscriptions of a session at once when it signs out', async () => {
      const session = await signIn(suite.stack.baseUrl, suite.owner.credentials);
      const socket = await open(session.accessToken);
      const subscriptionId = await teamSubscription(socket);
      const ended = next<LiveEndedMessage>(socket, 'live:ended');
      const closed = next<string>(socket, 'disconnect');
      await call('POST', '/api/v1/auth/logout', undefined, { refreshToken: session.refreshToken });
      expect(await ended).toEqual({ subscriptionId, reason: 'revoked', message: expect.stringContaining('session has ended') });
      expect(await closed).toBe('io server disconnect');
    });

    it('ends the subscriptions of a member removed from the team, keeping the connection', async () => {
      const member = await joinAs('live-removed@example.com', Role.Member);
      const socket = await open(member.accessToken);
      const subscriptionId = await teamSubscription(socket);
      const ended = next<LiveEndedMessage>(socket, 'live:ended');
      expect((await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/members/${member.userId}`, suite.owner.accessToken)).status).toBe(204);
      expect(await ended).toEqual({ subscriptionId, reason: 'forbidden', message: 'No such team' });
      expect(socket.connected).toBe(true);
      expect((await liveSubscribe(socket, { kind: 'team', teamId: suite.owner.teamId })).result).toEqual(
        expect.objectContaining({ ok: false, status: 404 }),
      );
    });

    it('ends only the subscriptions a new role no longer allows', async () => {
      const admin = await joinAs('live-demoted@example.com', Role.Admin);
      let runId = '';
      await withDatabase(async (db) => {
        const row = await db.query<{ id: string }>(
          `INSERT INTO command_runs (team_id, server_id, actor_name, command) VALUES ($1, (SELECT id FROM servers WHERE team_id = $1 LIMIT 1), 'test', 'uptime') RETURNING id`,
          [suite.owner.teamId],
        );
        runId = row.rows[0].id;
      });
      const socket = await open(admin.accessToken);
      const teamId = await teamSubscription(socket);
      const run = await liveSubscribe(socket, { kind: 'command-run', runId });
      expect(run.result.ok).toBe(true);
      const endedEvents: LiveEndedMessage[] = [];
      socket.on('live:ended', (message) => endedEvents.push(message));
      const ended = next<LiveEndedMessage>(socket, 'live:ended');
      expect(
        (await call('PATCH', `/api/v1/teams/${suite.owner.teamId}/members/${admin.userId}`, suite.owner.accessToken, { role: 'member' })).status,
      ).toBe(204);
      expect(await ended).toEqual({ subscriptionId: run.subscriptionId, reason: 'forbidden', message: expect.stringContaining('needs admin') });
      // A later round trip proves the re-check finished: the team subscription (read) was kept.
      await socket.timeout(5_000).emitWithAck('system:status:get');
      expect(endedEvents.map((e) => e.subscriptionId)).not.toContain(teamId);
      expect(await socket.timeout(5_000).emitWithAck('live:unsubscribe', teamId)).toBe(true);
    });

    it('ends the connection when its access token expires, so the client reconnects with a fresh one', async () => {
      const claims = JSON.parse(Buffer.from(suite.owner.accessToken.split('.')[1], 'base64url').toString()) as { sub: string; sid: string };
      const key = deriveKey(Buffer.from(process.env.ZPANEL_SECRET_KEY as string, 'base64'), 'zpanel:jwt:access:v1');
      const shortLived = await signJwt({ sub: claims.sub, sid: claims.sid, typ: 'access' }, key, 2);
      const socket = await open(shortLived.token);
      const subscriptionId = await teamSubscription(socket);
      const ended = next<LiveEndedMessage>(socket, 'live:ended');
      const closed = next<string>(socket, 'disconnect');
      expect(await ended).toEqual({ subscriptionId, reason: 'expired', message: expect.any(String) });
      expect(await closed).toBe('io server disconnect');
    });
  });
});
