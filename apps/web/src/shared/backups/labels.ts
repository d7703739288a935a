import type {
  BackupDestinationDto,
  BackupInventory,
  BackupStatus,
  BackupTrigger,
  BackupVerificationStatus,
  RestoreStatus,
  RestoreTarget,
  Role,
} from '@zpanel/contracts';
import type { Tone } from '../../components/status-badge';
import { seesSecrets } from '../applications/labels';

export const BACKUP_STATUS_LABELS: Record<BackupStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  pruned: 'Pruned',
};

export const BACKUP_STATUS_TONES: Record<BackupStatus, Tone> = {
  queued: 'neutral',
  running: 'warn',
  succeeded: 'ok',
  failed: 'down',
  cancelled: 'neutral',
  pruned: 'neutral',
};

export const RESTORE_STATUS_LABELS: Record<RestoreStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const RESTORE_STATUS_TONES: Record<RestoreStatus, Tone> = {
  queued: 'neutral',
  running: 'warn',
  succeeded: 'ok',
  failed: 'down',
  cancelled: 'neutral',
};

export const TRIGGER_LABELS: Record<BackupTrigger, string> = {
  schedule: 'Schedule',
  manual: 'Manual',
  safety: 'Safety (before a restore)',
  upload: 'Uploaded file',
};

export const VERIFICATION_LABELS: Record<BackupVerificationStatus, string> = {
  none: 'Not verified',
  pending: 'Verifying',
  verified: 'Verified',
  mismatch: 'Mismatch',
  failed: 'Verification failed',
};

export const VERIFICATION_TONES: Record<BackupVerificationStatus, Tone> = {
  none: 'neutral',
  pending: 'warn',
  verified: 'ok',
  mismatch: 'down',
  failed: 'down',
};

export const RESTORE_TARGET_LABELS: Record<RestoreTarget, string> = {
  same: 'Into the same database',
  new: 'Into a new database',
  verify: 'Verification (throwaway container)',
};

/** "12 tables, 48 210 rows", "3 120 keys", "41 files, 2.1 MB": what a dump recorded or a restore found. */
export function describeInventory(inventory: BackupInventory | null, formatBytes: (n: number) => string): string | null {
  if (!inventory) return null;
  const parts: string[] = [];
  if (inventory.tables) {
    const rows = inventory.tables.reduce((sum, table) => sum + table.rows, 0);
    parts.push(`${inventory.tables.length} ${inventory.tables.length === 1 ? 'table' : 'tables'}, ${rows.toLocaleString('en')} rows`);
  }
  if (inventory.keys !== undefined) parts.push(`${inventory.keys.toLocaleString('en')} keys`);
  if (inventory.files !== undefined) parts.push(`${inventory.files.toLocaleString('en')} files`);
  if (inventory.bytes !== undefined) parts.push(formatBytes(inventory.bytes));
  return parts.length > 0 ? parts.join(', ') : null;
}

/** Where a destination stores: `endpoint/bucket/prefix`, or `server:path`. */
export function destinationWhere(destination: BackupDestinationDto, serverName?: string): string {
  if (destination.kind === 's3') {
    return [destination.endpoint, destination.bucket, destination.prefix].filter(Boolean).join('/');
  }
  return `${serverName ?? destination.serverId ?? ''}:${destination.path ?? ''}`;
}

/** The first 12 hex digits of a SHA-256: enough to tell backups apart on screen. */
export const shortChecksum = (sha256: string) => sha256.slice(0, 12);

/** Where "Decrypting without Zpanel" is documented (the repository's docs/backups.md). */
export const DECRYPT_DOCS = 'docs/backups.md#decrypting-without-zpanel';

/** A download hands out the (encrypted) object: the API asks for `read:sensitive`. Undefined when the role may. */
export function whyCannotDownload(role: Role): string | undefined {
  return seesSecrets(role) ? undefined : `Your role (${role}) cannot download backups: ask an admin or owner`;
}
