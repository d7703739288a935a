import { describe, expect, it, vi } from 'vitest';
import { useSessionStore } from './session-store';

type AuthCallback = (send: (data: object) => void) => void;

/** What socket.io-client's `io()` was given, and a socket that records what it was asked. */
const io = vi.hoisted(() => {
  const calls: string[] = [];
  const handlers = new Map<string, (...args: unknown[]) => void>();
  const socket = {
    on: (event: string, handler: (...args: unknown[]) => void) => {
      handlers.set(event, handler);
      return socket;
    },
    fire: (event: string, ...args: unknown[]) => handlers.get(event)?.(...args),
    io: { on: () => undefined },
    connect: () => calls.push('connect'),
    disconnect: () => calls.push('disconnect'),
  };
  return { calls, socket, options: undefined as { auth?: AuthCallback } | undefined };
});

const refreshSession = vi.hoisted(() => vi.fn(() => Promise.resolve(true)));
vi.mock('./api-client', () => ({ refreshSession }));

vi.mock('socket.io-client', () => ({
  io: (_namespace: string, options: { auth?: AuthCallback }) => {
    io.options = options;
    return io.socket;
  },
}));

const { getSocket, getConnectionState } = await import('./socket');

/** The handshake payload socket.io would send now. */
function handshakeAuth(): object | undefined {
  let sent: object | undefined;
  io.options?.auth?.((data) => (sent = data));
  return sent;
}

function signIn(accessToken: string) {
  useSessionStore.setState({ status: 'signedIn', accessToken, accessTokenExpiresAt: Date.now() + 900_000 });
}

/** The tab's one socket, signed in as `accessToken`, with nothing recorded yet. */
function connectedAs(accessToken: string) {
  signIn(accessToken);
  getSocket();
  io.calls.length = 0;
}

describe(getSocket.name, () => {
  it('sends the current access token in the handshake', () => {
    signIn('token-1');

    getSocket();

    expect(handshakeAuth()).toEqual({ token: 'token-1' });
  });

  it('reconnects with the new token after a refresh', () => {
    connectedAs('token-1');

    signIn('token-2');

    expect(io.calls).toEqual(['disconnect', 'connect']);
    expect(handshakeAuth()).toEqual({ token: 'token-2' });
    expect(getConnectionState()).toBe('connecting');
  });

  it('closes the connection when the session ends, without reconnecting', () => {
    connectedAs('token-1');

    useSessionStore.getState().endSession('signedOut');

    expect(io.calls).toEqual(['disconnect']);
  });

  it('refreshes the session when the gateway ends subscriptions of an expired access token, not of a revoked one', () => {
    connectedAs('token-1');
    refreshSession.mockClear();

    io.socket.fire('live:ended', { subscriptionId: 's1', reason: 'revoked', message: 'The session has ended: sign in again' });
    io.socket.fire('live:ended', { subscriptionId: 's2', reason: 'forbidden', message: 'No such team' });
    expect(refreshSession).not.toHaveBeenCalled();

    io.socket.fire('live:ended', { subscriptionId: 's3', reason: 'expired', message: 'The access token expired' });
    expect(refreshSession).toHaveBeenCalledTimes(1);
  });

  it('leaves the connection alone when something else about the session changes', () => {
    connectedAs('token-1');

    useSessionStore.getState().selectTeam('team-2');

    expect(io.calls).toEqual([]);
  });
});
