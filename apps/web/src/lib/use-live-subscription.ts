import type { LiveEndedMessage, LiveEventMap, LiveKind, LiveSubscribeRequest, LiveSubscribeResult } from '@zpanel/contracts';
import { useEffect, useEffectEvent, useState } from 'react';
import { getSocket } from './socket';

export type LiveSubscriptionState = { status: 'idle' | 'subscribing' | 'live' } | { status: 'error'; message: string; httpStatus: number };

let counter = 0;
function nextSubscriptionId(): string {
  counter += 1;
  return `s${counter}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Follows a live topic while the component is mounted. `key` names what is followed: null waits,
 * a new key resubscribes. `request` is asked again on every (re)connect with the id of the last
 * event received, so resumable kinds (command runs) continue where they stopped instead of repeating.
 */
export function useLiveSubscription<K extends LiveKind>(
  key: string | null,
  request: (lastId: string | undefined) => Extract<LiveSubscribeRequest, { kind: K }>,
  onEvent: (event: LiveEventMap[K], id: string) => void,
): LiveSubscriptionState {
  const [state, setState] = useState<LiveSubscriptionState>({ status: 'idle' });
  const buildRequest = useEffectEvent(request);
  const deliver = useEffectEvent(onEvent);

  useEffect(() => {
    if (key === null) {
      setState({ status: 'idle' });
      return;
    }
    const socket = getSocket();
    let subscriptionId: string | undefined;
    let lastId: string | undefined;
    let stopped = false;

    const onLiveEvent = (message: { subscriptionId: string; id: string; event: unknown }) => {
      if (message.subscriptionId !== subscriptionId) return;
      lastId = message.id;
      deliver(message.event as LiveEventMap[K], message.id);
    };
    // The gateway ended it: access lost for good (`forbidden`), or the connection is closing and the
    // reconnect with a refreshed token subscribes again.
    const onEnded = (message: LiveEndedMessage) => {
      if (message.subscriptionId !== subscriptionId) return;
      subscriptionId = undefined;
      setState(message.reason === 'forbidden' ? { status: 'error', message: message.message, httpStatus: 403 } : { status: 'subscribing' });
    };
    const subscribe = () => {
      const id = nextSubscriptionId();
      subscriptionId = id;
      setState({ status: 'subscribing' });
      socket.emit('live:subscribe', { ...buildRequest(lastId), subscriptionId: id }, (result: LiveSubscribeResult) => {
        if (stopped || subscriptionId !== id) return;
        setState(result.ok ? { status: 'live' } : { status: 'error', message: result.message, httpStatus: result.status });
      });
    };

    socket.on('live:event', onLiveEvent);
    socket.on('live:ended', onEnded);
    // Subscriptions live and die with the connection: a reconnect (also after a token refresh) renews them.
    socket.on('connect', subscribe);
    if (socket.connected) subscribe();
    return () => {
      stopped = true;
      socket.off('live:event', onLiveEvent);
      socket.off('live:ended', onEnded);
      socket.off('connect', subscribe);
      if (subscriptionId && socket.connected) socket.emit('live:unsubscribe', subscriptionId);
    };
  }, [key]);

  return state;
}
