import type { LiveSubscribeMessage, LiveSubscribeResult, ServerToClientEvents } from '@zpanel/contracts';
import type { ConnectionState, EventsSocket } from '../lib/socket';

// Stands in for lib/socket in component specs: `vi.mock('../lib/socket', () => import('../test/fake-socket'))`.

type ServerEvent = keyof ServerToClientEvents;
type Listener = (...args: never[]) => void;

const listeners = new Map<string, Set<Listener>>();
const stateListeners = new Set<() => void>();
let state: ConnectionState = 'connected';

/** Live subscriptions the components made and have not ended, by subscription id. */
const subscriptions = new Map<string, LiveSubscribeMessage>();
let entrySeq = 0;
/** What the fake gateway answers to the next subscribes (default: accepted). */
let nextRefusal: Extract<LiveSubscribeResult, { ok: false }> | undefined;

const fakeSocket = {
  connected: true,
  emit(event: string, payload: unknown, ack?: (result: LiveSubscribeResult) => void) {
    if (event === 'live:subscribe') {
      const message = payload as LiveSubscribeMessage;
      if (nextRefusal) {
        ack?.(nextRefusal);
      } else {
        subscriptions.set(message.subscriptionId, message);
        ack?.({ ok: true, subscriptionId: message.subscriptionId });
      }
    } else if (event === 'live:unsubscribe') {
      subscriptions.delete(payload as string);
    }
    return fakeSocket;
  },
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
  // Only on/off/emit are used by the hooks; the rest of the client is deliberately absent.
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

/** The live subscriptions currently open (subscribed and not unsubscribed). */
export function liveSubscriptions(): LiveSubscribeMessage[] {
  return [...subscriptions.values()];
}

/** The live subscriptions of the page shown: all but the shell's own (the notification centre's, on every page). */
export function pageSubscriptions(): LiveSubscribeMessage[] {
  return liveSubscriptions().filter((subscription) => subscription.kind !== 'notifications');
}

/** Makes the fake gateway refuse later subscribes (undefined: accept again). */
export function refuseLiveSubscriptions(refusal: Extract<LiveSubscribeResult, { ok: false }> | undefined): void {
  nextRefusal = refusal;
}

/** Plays the gateway: delivers `event` to every open subscription `matches` selects. Returns how many got it. */
export function emitLiveEvent(matches: (subscription: LiveSubscribeMessage) => boolean, event: unknown): number {
  entrySeq += 1;
  let delivered = 0;
  for (const subscription of [...subscriptions.values()].filter(matches)) {
    emitServerEvent('live:event', { subscriptionId: subscription.subscriptionId, id: `${entrySeq}-0`, event });
    delivered += 1;
  }
  return delivered;
}
