import { randomUUID } from 'node:crypto';
import {
  type ClientToServerEvents,
  EVENTS_NAMESPACE,
  type LiveEventMessage,
  type LiveSubscribeRequest,
  type LiveSubscribeResult,
  type ServerToClientEvents,
} from '@zpanel/contracts';
import { type Socket, io } from 'socket.io-client';

export type EventsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects to the live events gateway as the SPA does; resolves once connected (rejects if refused). */
export function connectEvents(baseUrl: string, token: string): Promise<EventsSocket> {
  const socket: EventsSocket = io(`${baseUrl}${EVENTS_NAMESPACE}`, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    auth: { token },
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.disconnect();
      reject(error);
    });
  });
}

export interface LiveSubscription<E = unknown> {
  result: LiveSubscribeResult;
  subscriptionId: string;
  /** Events received so far, in order. */
  events: LiveEventMessage<E>[];
}

/** Subscribes and collects the subscription's events (including those replayed before the ack). */
export async function liveSubscribe<E = unknown>(
  socket: EventsSocket,
  request: LiveSubscribeRequest,
  subscriptionId: string = randomUUID(),
): Promise<LiveSubscription<E>> {
  const events: LiveEventMessage<E>[] = [];
  socket.on('live:event', (message) => {
    if (message.subscriptionId === subscriptionId) events.push(message as LiveEventMessage<E>);
  });
  const result = await socket.timeout(10_000).emitWithAck('live:subscribe', { ...request, subscriptionId });
  return { result, subscriptionId, events };
}
