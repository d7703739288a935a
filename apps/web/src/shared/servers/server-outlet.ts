import type { Role, ServerDto } from '@zpanel/contracts';
import { useOutletContext } from 'react-router';
import type { LiveSubscriptionState } from '../../lib/use-live-subscription';

/** What the server page hands to its tabs (routes below /servers/:serverId). */
export interface ServerOutletContext {
  server: ServerDto;
  teamId: string;
  role: Role;
  /** The page's subscription to the server's topic (samples, status, alerts), already folded into the query cache. */
  live: LiveSubscriptionState;
}

export function useServerOutlet(): ServerOutletContext {
  return useOutletContext<ServerOutletContext>();
}

/** Tabs of the server page, relative to /servers/:serverId. */
export const SERVER_TABS = [
  { path: '', label: 'Overview' },
  { path: 'containers', label: 'Containers' },
  { path: 'console', label: 'Console' },
  { path: 'alerts', label: 'Alerts' },
  { path: 'volumes', label: 'Volumes' },
] as const;
