import type { LiveEndedMessage, LiveEventMessage, LiveSubscribeMessage, LiveSubscribeResult } from './live';
import type { SystemStatus } from './system';

/** socket.io namespace for live events; the SPA and the gateway share this map. */
export const EVENTS_NAMESPACE = '/events';

export interface ServerToClientEvents {
  /** Sent on connect and whenever readiness or the worker set changes. */
  'system:status': (status: SystemStatus) => void;
  /** An entry of a subscribed topic; `event`'s type follows the subscription's kind (LiveEventMap). */
  'live:event': (message: LiveEventMessage) => void;
  /** The gateway ended a subscription: the credential stopped working or the caller lost access (LiveEndReason). */
  'live:ended': (message: LiveEndedMessage) => void;
}

export interface ClientToServerEvents {
  /** Asks for the current status at once; the ack carries it. */
  'system:status:get': (ack: (status: SystemStatus) => void) => void;
  /** Authorized against the resource's team; another team's resource answers like a missing one (404). */
  'live:subscribe': (message: LiveSubscribeMessage, ack: (result: LiveSubscribeResult) => void) => void;
  'live:unsubscribe': (subscriptionId: string, ack?: (done: boolean) => void) => void;
}
