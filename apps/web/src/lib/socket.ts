import { EVENTS_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '@zpanel/contracts';
import { io, type Socket } from 'socket.io-client';

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
  socket = io(EVENTS_NAMESPACE, { path: '/socket.io', withCredentials: true });
  socket.on('connect', () => setState('connected'));
  socket.on('disconnect', () => setState('disconnected'));
  socket.on('connect_error', () => setState('disconnected'));
  socket.io.on('reconnect_attempt', () => setState('connecting'));
  return socket;
}

export function getConnectionState(): ConnectionState {
  return state;
}

export function subscribeConnectionState(listener: () => void): () => void {
  getSocket();
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}
