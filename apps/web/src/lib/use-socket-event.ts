import type { ServerToClientEvents } from '@zpanel/contracts';
import { useEffect, useEffectEvent, useSyncExternalStore } from 'react';
import { getConnectionState, getSocket, subscribeConnectionState, type ConnectionState } from './socket';

type ServerEvent = keyof ServerToClientEvents;

/** Runs `handler` for every `event` pushed by the server while the calling component is mounted. */
export function useSocketEvent<E extends ServerEvent>(event: E, handler: ServerToClientEvents[E]): void {
  // Always calls the latest handler without resubscribing on every render.
  const onEvent = useEffectEvent(handler);

  useEffect(() => {
    const socket = getSocket();
    // Widened to the whole map: socket.io's conditional listener type cannot resolve a generic E.
    const name: ServerEvent = event;
    const listener: ServerToClientEvents[ServerEvent] = onEvent;
    socket.on(name, listener);
    return () => {
      socket.off(name, listener);
    };
  }, [event]);
}

export function useSocketConnection(): ConnectionState {
  return useSyncExternalStore(subscribeConnectionState, getConnectionState);
}
