import type { BackupSourceKind } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { TimestampedEntity } from './columns';

/**
 * When and where a source is backed up (docs/backups.md, "Data model"): exactly one source (a
 * database, an application's named volume, or the instance's own PostgreSQL when `teamId` is null),
 * a destination, a cron expression read in a time zone, and retention by count and/or age. It goes
 * with its source; a destination with schedules cannot be deleted.
 */
@Entity({ name: 'backup_schedules' })
export class BackupScheduleEntity extends TimestampedEntity {
  @Column('uuid', { name: 'team_id', nullable: true })
  teamId: string | null;

  @Column('text', { name: 'source_kind' })
  sourceKind: BackupSourceKind;

  @Column('uuid', { name: 'database_id', nullable: true })
  databaseId: string | null;

  /** An application's named volume: the `application_mounts` row of kind `volume`. */
  @Column('uuid', { name: 'volume_id', nullable: true })
  volumeId: string | null;

  @Column('uuid', { name: 'destination_id' })
  destinationId: string;

  /** Checked with `cronProblem` (`@zpanel/core`) when saved. */
  @Column('text')
  cron: string;

  /** IANA time zone the expression is read in. */
  @Column('text', { default: 'UTC' })
  timezone: string;

  @Column('integer', { name: 'retention_count', nullable: true })
  retentionCount: number | null;

  @Column('integer', { name: 'retention_days', nullable: true })
  retentionDays: number | null;

  @Column('boolean', { name: 'verify_after_backup', default: true })
  verifyAfterBackup: boolean;

  @Column('integer', { name: 'timeout_minutes', default: 60 })
  timeoutMinutes: number;

  @Column('boolean', { default: true })
  enabled: boolean;

  /** The next slot (`nextRunAt` of the expression), computed when saved and after each slot; null while disabled. */
  @Column('timestamptz', { name: 'next_run_at', nullable: true })
  nextRunAt: Date | null;

  @Column('timestamptz', { name: 'last_run_at', nullable: true })
  lastRunAt: Date | null;

  /** Set while the schedule has not produced a verified backup by its last slot plus the grace period. */
  @Column('timestamptz', { name: 'missed_since', nullable: true })
  missedSince: Date | null;
}
