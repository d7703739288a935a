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

/**
 * Tabs of the application page, relative to /applications/:applicationId; `end`: active on that path
 * only; `inPreview`: shown on a preview too (its settings follow the application it previews).
 */
export const APPLICATION_TABS = [
  { path: '', label: 'Overview', end: true, inPreview: true },
  { path: 'deployments', label: 'Deployments', end: false, inPreview: true },
  { path: 'environment', label: 'Environment', end: true, inPreview: false },
  { path: 'domains', label: 'Domains', end: true, inPreview: false },
  { path: 'health-check', label: 'Health check', end: true, inPreview: false },
  { path: 'volumes', label: 'Volumes', end: false, inPreview: false },
  { path: 'webhooks', label: 'Webhooks', end: true, inPreview: false },
  { path: 'previews', label: 'Previews', end: true, inPreview: false },
  { path: 'settings', label: 'Settings', end: true, inPreview: false },
  { path: 'danger', label: 'Danger zone', end: true, inPreview: false },
] as const;
