import type { ApplicationDto, Role } from '@zpanel/contracts';
import { useOutletContext } from 'react-router';

/** What the application page hands to its tabs (routes below /applications/:applicationId). */
export interface ApplicationOutletContext {
  application: ApplicationDto;
  teamId: string;
  role: Role;
  /** Why the caller cannot change the application (undefined: they can). */
  writeRefusal?: string;
  /** Why the caller cannot deploy, cancel or roll back (undefined: they can). */
  deployRefusal?: string;
}

export function useApplicationOutlet(): ApplicationOutletContext {
  return useOutletContext<ApplicationOutletContext>();
}

/** Tabs of the application page, relative to /applications/:applicationId; `end`: active on that path only. */
export const APPLICATION_TABS = [
  { path: '', label: 'Overview', end: true },
  { path: 'deployments', label: 'Deployments', end: false },
  { path: 'environment', label: 'Environment', end: true },
  { path: 'domains', label: 'Domains', end: true },
  { path: 'health-check', label: 'Health check', end: true },
  { path: 'webhooks', label: 'Webhooks', end: true },
  { path: 'settings', label: 'Settings', end: true },
  { path: 'danger', label: 'Danger zone', end: true },
] as const;
