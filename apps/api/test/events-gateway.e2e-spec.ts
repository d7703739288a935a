import { type ClientToServerEvents, EVENTS_NAMESPACE, LiveTopics, type ServerLiveEvent, type ServerToClientEvents, type SystemStatus, TEAM_HEADER } from '@zpanel/contracts';
import type { AppConfig } from '@zpanel/core';
import { LiveStreams, createRedisClient } from '@zpanel/queue';
import { type SignedIn, type Stack, apiCaller, connectEvents, createOwner, liveSubscribe, startStack, waitFor } from '@zpanel/testing';
import type Redis from 'ioredis';
import { type Socket, io } from 'socket.io-client';

describe('live events gateway (built api)', () => {
  let stack: Stack;
  let owner: SignedIn;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startStack();
    owner = await createOwner(stack.baseUrl);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    redis?.disconnect();
    await stack?.stop();
  });
  let redis: Redis | undefined;
  /** Plays the worker's part: appends to the stack's live streams. */
  const workerStreams = async () => {
    const config = { redis: { url: stack.redisUrl, prefix: stack.redisPrefix } } as AppConfig;
    const client = (redis ??= createRedisClient(config, 'test-worker-side'));
    await waitFor(async () => ((await client.ping().catch(() => undefined)) === 'PONG' ? true : undefined), 5_000, 'redis');
    return new LiveStreams(client, config);
  };

  const connect = (token?: string): Socket<ServerToClientEvents, ClientToServerEvents> => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${stack.baseUrl}${EVENTS_NAMESPACE}`, {
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
    const socket = connect(owner.accessToken);
    const status = await new Promise<SystemStatus>((resolve) => socket.once('system:status', resolve));
    expect(status.readiness.status).toBe('ready');
    const asked = await socket.timeout(5_000).emitWithAck('system:status:get');
    expect(asked.version).toBe(status.version);
  });

  it('accepts an API token, and refuses it once revoked', async () => {
    const call = apiCaller(() => stack.baseUrl);
    const created = (await call<{ id: string; token: string }>('POST', `/api/v1/teams/${owner.teamId}/api-tokens`, owner.accessToken, { name: 'ws', abilities: ['read'] })).body;
    const socket = connect(created.token);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await call('DELETE', `/api/v1/teams/${owner.teamId}/api-tokens/${created.id}`, owner.accessToken);
    expect(await refused(connect(created.token))).toBe('unauthorized');
  });

  describe('live subscriptions', () => {
    const call = apiCaller(() => stack.baseUrl);
    let serverId: string;

    beforeAll(async () => {
      const team = { [TEAM_HEADER]: owner.teamId };
      const key = (await call<{ id: string }>('POST', '/api/v1/ssh-keys', owner.accessToken, { name: 'live' }, team)).body;
      serverId = (await call<{ id: string }>('POST', '/api/v1/servers', owner.accessToken, { name: 'live-1', host: '192.0.2.20', sshKeyId: key.id }, team)).body.id;
    });

    const status = (statusReason: string): ServerLiveEvent => ({ type: 'status', serverId, status: 'unreachable', statusReason });

    it('delivers events of a server the caller may read, and stops after unsubscribe', async () => {
      const socket = await connectEvents(stack.baseUrl, owner.accessToken);
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
      const socket = await connectEvents(stack.baseUrl, owner.accessToken);
      sockets.push(socket);
      const sub = await liveSubscribe<ServerLiveEvent>(socket, { kind: 'team', teamId: owner.teamId }, 'servers-list');
      expect(sub.result).toEqual({ ok: true, subscriptionId: 'servers-list' });
      await (await workerStreams()).append(LiveTopics.team(owner.teamId), status('team'));
      await waitFor(async () => (sub.events.length === 1 ? true : undefined), 5_000, 'the team event');
      expect(sub.events[0]).toEqual({ subscriptionId: 'servers-list', id: expect.stringMatching(/^\d+-\d+$/), event: status('team') });
    });

    it.each([
      ['an unknown kind', { kind: 'nope' }, 'kind'],
      ['a server id that is not a UUID', { kind: 'server', serverId: "x'; rm -rf /" }, 'serverId'],
      ['a team id that is not a UUID', { kind: 'team', teamId: 42 }, 'teamId'],
    ])('refuses %s with a 400 naming the field', async (_case, request, field) => {
      const socket = await connectEvents(stack.baseUrl, owner.accessToken);
      sockets.push(socket);
      const { result } = await liveSubscribe(socket, request as never);
      expect(result).toEqual(expect.objectContaining({ ok: false, status: 400, errors: [expect.objectContaining({ field })] }));
    });

    it('refuses a subscription id used twice on one connection, and a malformed one', async () => {
      const socket = await connectEvents(stack.baseUrl, owner.accessToken);
      sockets.push(socket);
      expect((await liveSubscribe(socket, { kind: 'server', serverId }, 'same')).result.ok).toBe(true);
      expect((await liveSubscribe(socket, { kind: 'server', serverId }, 'same')).result).toEqual(expect.objectContaining({ ok: false, status: 409 }));
      expect((await liveSubscribe(socket, { kind: 'server', serverId }, 'has space')).result).toEqual(
        expect.objectContaining({ ok: false, status: 400, errors: [expect.objectContaining({ field: 'subscriptionId' })] }),
      );
    });

    it('answers a missing server exactly like an existing one the caller cannot see', async () => {
      const socket = await connectEvents(stack.baseUrl, owner.accessToken);
      sockets.push(socket);
      const { result } = await liveSubscribe(socket, { kind: 'server', serverId: '00000000-0000-4000-8000-000000000000' });
      expect(result).toEqual({ ok: false, status: 404, code: 'not_found', message: 'No such server' });
    });
  });
});
