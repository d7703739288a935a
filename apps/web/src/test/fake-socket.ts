import type { ServerToClientEvents } from '@zpanel/contracts';
import type { ConnectionState, EventsSocket } from '../lib/socket';

// Stands in for lib/socket in component specs: `vi.mock('../lib/socket', () => import('../test/fake-socket'))`.

type ServerEvent = keyof ServerToClientEvents;
type Listener = (...args: never[]) => void;

const listeners = new Map<string, Set<Listener>>();
const stateListeners = new Set<() => void>();
let state: ConnectionState = 'connected';

const fakeSocket = {
  on(event: string, listener: Listener) {
    listeners.set(event, (listeners.get(event) ?? new Set()).add(listener));
    return fakeSocket;
  },
  off(event: string, listener: Listener) {
    listeners.get(event)?.delete(listener);
    return fakeSocket;
  },
};

export function getSocket(): EventsSocket {
  // Only on/off are used by the hooks; the rest of the client is deliberately absent.
  return fakeSocket as unknown as EventsSocket;
}

export function getConnectionState(): ConnectionState {
  return state;
}

export function subscribeConnectionState(listener: () => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

/** Delivers a server push to every subscribed hook. */
export function emitServerEvent<E extends ServerEvent>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
  for (const listener of listeners.get(event) ?? []) {
    Reflect.apply(listener, undefined, args);
  }
}

export function setConnectionState(next: ConnectionState): void {
  state = next;
  for (const listener of stateListeners) listener();
}

export function listenerCount(event: ServerEvent): number {
  return listeners.get(event)?.size ?? 0;
}
