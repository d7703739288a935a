import type { ServerToClientEvents } from '@zpanel/contracts';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { getConnectionState, getSocket, subscribeConnectionState, type ConnectionState } from './socket';

type ServerEvent = keyof ServerToClientEvents;

/** Runs `handler` for every `event` pushed by the server while the calling component is mounted. */
export function useSocketEvent<E extends ServerEvent>(event: E, handler: ServerToClientEvents[E]): void {
  // Keeps the subscription stable across renders while always calling the latest handler.
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });

  useEffect(() => {
    const socket = getSocket();
    const listener = ((...args: Parameters<ServerToClientEvents[E]>) =>
      (handlerRef.current as (...a: typeof args) => void)(...args)) as ServerToClientEvents[E];
    socket.on(event, listener);
    return () => {
      socket.off(event, listener);
    };
  }, [event]);
}

export function useSocketConnection(): ConnectionState {
  return useSyncExternalStore(subscribeConnectionState, getConnectionState);
}
