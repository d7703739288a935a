import type {
  BackupCompression,
  BackupInventory,
  BackupSourceKind,
  BackupStatus,
  BackupTrigger,
  BackupVerificationStatus,
  DatabaseEngine,
} from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { BackupJobEntity } from './run';

/**
 * One backup run (docs/backups.md, "Data model"): queued by a schedule, "Back up now", a restore's
 * safety backup or an upload, run by the worker under the run lease (`backupRuns` in the runners),
 * and afterwards the record of what was stored where. `teamId` null: the instance's own PostgreSQL.
 * The source, server, schedule and destination ids are SET NULL when those go: the history stays.
 */
@Entity({ name: 'backups' })
export class BackupEntity extends BackupJobEntity<BackupStatus> {
  @Column('uuid', { name: 'schedule_id', nullable: true })
  scheduleId: string | null;

  @Column('text', { name: 'source_kind' })
  sourceKind: BackupSourceKind;

  @Column('uuid', { name: 'database_id', nullable: true })
  databaseId: string | null;

  /** An application's named volume (`application_mounts`, kind `volume`). */
  @Column('uuid', { name: 'volume_id', nullable: true })
  volumeId: string | null;

  /** The server the source runs on, set when queued: the per-server concurrency limit counts by it. */
  @Column('uuid', { name: 'server_id', nullable: true })
  serverId: string | null;

  /** Which of the server's BACKUP_CONCURRENCY_PER_SERVER slots the running backup holds (set by the claim). */
  @Column('smallint', { name: 'server_slot', nullable: true })
  serverSlot: number | null;

  @Column('uuid', { name: 'destination_id', nullable: true })
  destinationId: string | null;

  @Column('text')
  trigger: BackupTrigger;

  /** Restore it into a throwaway container once stored. */
  @Column('boolean', { name: 'verify_after_backup', default: true })
  verifyAfterBackup: boolean;

  @Column('text', { nullable: true })
  engine: DatabaseEngine | null;

  @Column('text', { nullable: true })
  image: string | null;

  /** Bytes of the stored object; bigint comes back from pg as a string. */
  @Column('bigint', { name: 'size_bytes', nullable: true })
  sizeBytes: string | null;

  @Column('bigint', { name: 'dump_bytes', nullable: true })
  dumpBytes: string | null;

  /** SHA-256 (hex) of the stored object, computed while streaming and checked after the upload. */
  @Column('text', { nullable: true })
  sha256: string | null;

  @Column('text', { nullable: true })
  compression: BackupCompression | null;

  /** The object's key in an S3 destination, or its path on a server destination. */
  @Column('text', { nullable: true })
  location: string | null;

  /** The destination's data key that encrypted it (a fingerprint). */
  @Column('text', { name: 'data_key_id', nullable: true })
  dataKeyId: string | null;

  @Column('jsonb', { nullable: true })
  inventory: BackupInventory | null;

  @Column('text', { default: 'none' })
  verification: BackupVerificationStatus;

  @Column('timestamptz', { name: 'verified_at', nullable: true })
  verifiedAt: Date | null;

  @Column('text', { name: 'verification_detail', nullable: true })
  verificationDetail: string | null;
}
