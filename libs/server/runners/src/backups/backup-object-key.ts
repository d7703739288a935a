import type { BackupSourceKind } from '@zpanel/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What names a backup's object: ids only, never a name a person typed. */
export interface BackupKeyParts {
  /** Null: the instance's own PostgreSQL. */
  teamId: string | null;
  sourceKind: BackupSourceKind;
  /** The database's or volume's id; null for the instance. */
  sourceId: string | null;
  backupId: string;
  /** When the run started (UTC in the name). */
  at: Date;
}

function uuid(value: string, what: string): string {
  if (!UUID.test(value)) throw new Error(`a backup object key needs a lower-case uuid as ${what}`);
  return value;
}

/**
 * The key of a backup's object, relative to the destination's prefix or directory:
 * `<team-id>/<source-kind>-<source-id>/<yyyy-mm-dd-hhmmss>-<backup-id>.zpbk` (`instance/instance/...`
 * for the instance). Made of ids and a timestamp only, so a key can never climb out of the prefix
 * nor collide, and a listing under `<team-id>/` is one team's backups.
 */
export function backupObjectKey(parts: BackupKeyParts): string {
  const iso = parts.at.toISOString();
  const stamp = `${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  const owner = parts.teamId === null ? 'instance' : uuid(parts.teamId, 'team id');
  let source: string;
  if (parts.sourceKind === 'instance') source = 'instance';
  else if (parts.sourceKind === 'database' || parts.sourceKind === 'volume')
    source = `${parts.sourceKind}-${uuid(parts.sourceId ?? '', 'source id')}`;
  else throw new Error('unknown backup source kind');
  return `${owner}/${source}/${stamp}-${uuid(parts.backupId, 'backup id')}.zpbk`;
}
