import { EVENTS_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '@zpanel/contracts';
import { io, type Socket } from 'socket.io-client';
import { refreshSession } from './api-client';
import { useSessionStore } from './session-store';

export type EventsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

let socket: EventsSocket | undefined;
let state: ConnectionState = 'connecting';
const stateListeners = new Set<() => void>();

function setState(next: ConnectionState): void {
  if (next === state) return;
  state = next;
  for (const listener of stateListeners) listener();
}

/**
 * The one socket of the tab. Created on first use rather than at import, so modules that merely
 * import this file (and tests that never render live data) open no connection.
 */
export function getSocket(): EventsSocket {
  if (socket) return socket;
  const created: EventsSocket = io(EVENTS_NAMESPACE, {
    path: '/socket.io',
    withCredentials: true,
    // Read on every (re)connect, so a reconnect always presents the newest access token.
    auth: (send) => send({ token: useSessionStore.getState().accessToken }),
  });
  created.on('connect', () => setState('connected'));
  created.on('disconnect', () => setState('disconnected'));
  // The gateway ends the subscriptions of an expired access token and closes the connection (a tab
  // that slept through the proactive refresh). A refresh brings a new token and the listener below
  // reconnects with it; a refused one ends the session. Other reasons (`revoked`: signed out, token
  // revoked) are not retried: the next request finds out whether the session still exists.
  created.on('live:ended', ({ reason }) => {
    if (reason === 'expired' && useSessionStore.getState().accessToken) void refreshSession().catch(() => undefined);
  });
  created.on('connect_error', () => setState('disconnected'));
  created.io.on('reconnect_attempt', () => setState('connecting'));
  // The handshake carries the token: a refreshed token needs a new handshake, and signing out must
  // close the connection.
  useSessionStore.subscribe(({ accessToken }, previous) => {
    if (accessToken === previous.accessToken) return;
    created.disconnect();
    if (accessToken) {
      setState('connecting');
      created.connect();
    }
  });
  socket = created;
  return created;
}

export function getConnectionState(): ConnectionState {
  return state;
}

export function subscribeConnectionState(listener: () => void): () => void {
  getSocket();
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}
