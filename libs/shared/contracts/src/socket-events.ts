import type { SystemStatus } from './system';

/** socket.io namespace for live events; the SPA and the gateway share this map. */
export const EVENTS_NAMESPACE = '/events';

export interface ServerToClientEvents {
  /** Sent on connect and whenever readiness or the worker set changes. */
  'system:status': (status: SystemStatus) => void;
}

export interface ClientToServerEvents {
  /** Asks for the current status at once; the ack carries it. */
  'system:status:get': (ack: (status: SystemStatus) => void) => void;
}
