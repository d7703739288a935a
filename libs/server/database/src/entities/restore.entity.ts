import type { BackupInventory, BackupSourceKind, RestoreStatus, RestoreTarget } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { BackupJobEntity } from './run';

/**
 * One restore run (docs/backups.md, "Data model"): a backup restored into the same database (after a
 * safety backup), a new one, or a throwaway container that only verifies it; run by the worker under
 * the run lease (`RESTORE_RUNS`). One at a time into a database or volume (partial unique indexes).
 */
@Entity({ name: 'restores' })
export class RestoreEntity extends BackupJobEntity<RestoreStatus> {
  /** Null once the backup row is gone. */
  @Column('uuid', { name: 'backup_id', nullable: true })
  backupId: string | null;

  @Column('text', { name: 'source_kind' })
  sourceKind: BackupSourceKind;

  @Column('text')
  target: RestoreTarget;

  /** The database restored into (`same`, `new`); null for `verify`. */
  @Column('uuid', { name: 'database_id', nullable: true })
  databaseId: string | null;

  @Column('uuid', { name: 'volume_id', nullable: true })
  volumeId: string | null;

  /** Where it runs (the target's server; a verification's throwaway container goes on the source's). */
  @Column('uuid', { name: 'server_id', nullable: true })
  serverId: string | null;

  /** `same`: the backup taken first. */
  @Column('uuid', { name: 'safety_backup_id', nullable: true })
  safetyBackupId: string | null;

  /** What was checked after the restore (tables and row counts, keys, files). */
  @Column('jsonb', { nullable: true })
  result: BackupInventory | null;
}
