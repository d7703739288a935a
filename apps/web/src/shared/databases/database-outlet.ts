import type { DatabaseDto, Role } from '@zpanel/contracts';
import { useOutletContext } from 'react-router';

/** What the database page hands to its tabs (routes below /databases/:databaseId). */
export interface DatabaseOutletContext {
  database: DatabaseDto;
  teamId: string;
  role: Role;
  /** Why the caller cannot change the database (undefined: they can). */
  writeRefusal?: string;
}

export function useDatabaseOutlet(): DatabaseOutletContext {
  return useOutletContext<DatabaseOutletContext>();
}

/** Tabs of the database page, relative to /databases/:databaseId; `end`: active on that path only. */
export const DATABASE_TABS = [
  { path: '', label: 'Overview', end: true },
  { path: 'operations', label: 'Operations', end: false },
  { path: 'logs', label: 'Logs', end: true },
  { path: 'metrics', label: 'Metrics', end: true },
  { path: 'backups', label: 'Backups', end: true },
  { path: 'settings', label: 'Settings', end: true },
] as const;
