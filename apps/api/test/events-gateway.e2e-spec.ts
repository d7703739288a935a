import { type ClientToServerEvents, EVENTS_NAMESPACE, type ServerToClientEvents, type SystemStatus } from '@zpanel/contracts';
import { type SignedIn, type Stack, apiCaller, createOwner, startStack } from '@zpanel/testing';
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
    await stack?.stop();
  });

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
});
