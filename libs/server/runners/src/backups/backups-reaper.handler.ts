import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type BackupTrigger, JOB_QUEUE, JobName, type JobResult, LiveTopics, type ReasonCode, type RestoreTarget } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger } from '@zpanel/core';
import { type BackupEntity, BackupsRepository, type RestoreEntity } from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer, LiveStreams, enqueueBackupRun, enqueueRestoreRun } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { RESTORE_RUNS, backupRuns, failLostRuns, requeueQueuedRuns } from '../run-lease';
import { EventNotifications } from '../notifications/event-notifications';

interface LostBackup {
  id: string;
  source_kind: string;
  database_id: string | null;
  volume_id: string | null;
  trigger: BackupTrigger;
  schedule_id: string | null;
}

interface LostRestore {
  id: string;
  target: RestoreTarget;
  backup_id: string | null;
  source_kind: string;
  database_id: string | null;
  volume_id: string | null;
  safety_backup_id: string | null;
}

/** A backup or restore still queued after this long is checked for a job lost with Redis. */
export const QUEUED_BACKUP_GRACE_SECONDS = 30;

export const BACKUP_WORKER_LOST_CODE: ReasonCode = 'backup.worker_stopped';
export const BACKUP_WORKER_LOST_REASON =
  'The worker running this backup stopped answering (no heartbeat within its lease); nothing was kept and it is not run again by itself.';
export const RESTORE_WORKER_LOST_REASON =
  'The worker running this restore stopped answering (no heartbeat within its lease); it is not run again by itself.';

/**
 * Keeps backups and restores from getting stuck (every 5 s, REPEATING_JOBS): a `running` one whose
 * heartbeat is older than RUN_LEASE_TTL_MS lost its worker and is failed with `backup.worker_stopped`
 * (never re-run); a verification restore failed so settles its backup's verification as `failed`
 * in the same transaction. An S3 multipart upload the dead worker left is never completed, so no
 * object is listed (the bucket's lifecycle rule for incomplete uploads clears its parts). A `queued`
 * one whose job is gone is queued again.
 */
@Injectable()
@HandlesJob(JobName.BackupsReap)
export class BackupsReaperHandler implements JobHandler<JobName.BackupsReap> {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly backups: BackupsRepository,
    private readonly producer: JobProducer,
    private readonly live: LiveStreams,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
    private readonly notifications: EventNotifications,
  ) {
    this.logger = logger.child({ component: 'backups-reaper' });
  }

  async handle(): Promise<JobResult<JobName.BackupsReap>> {
    const ttl = this.config.runs.leaseTtlMs;
    const lostBackups = await failLostRuns<BackupEntity, LostBackup>(
      this.dataSource,
      backupRuns(this.config.backups.concurrencyPerServer),
      ttl,
      { reason: BACKUP_WORKER_LOST_REASON, code: BACKUP_WORKER_LOST_CODE },
      ['source_kind', 'database_id', 'volume_id', 'trigger', 'schedule_id'],
    );
    const lostRestores = await failLostRuns<RestoreEntity, LostRestore>(
      this.dataSource,
      RESTORE_RUNS,
      ttl,
      { reason: RESTORE_WORKER_LOST_REASON, code: BACKUP_WORKER_LOST_CODE },
      ['target', 'backup_id', 'source_kind', 'database_id', 'volume_id', 'safety_backup_id'],
      async (row, db) => {
        if (row.target === 'verify' && row.backup_id !== null) {
          await this.backups.in(db).settleVerification(row.backup_id, { verification: 'failed', verificationDetail: RESTORE_WORKER_LOST_REASON });
        }
      },
    );
    for (const [topic, reason] of [
      ...lostBackups.map((row) => [LiveTopics.backup(row.id), BACKUP_WORKER_LOST_REASON] as const),
      ...lostRestores.map((row) => [LiveTopics.restore(row.id), RESTORE_WORKER_LOST_REASON] as const),
    ]) {
      await this.live
        .append(topic, { type: 'status', status: 'failed', reason, reasonCode: BACKUP_WORKER_LOST_CODE })
        .catch((error: unknown) => this.logger.warn({ err: error, topic: topic.key }, 'end of a reaped run not sent live'));
    }
    for (const row of lostBackups) await this.notifyLostBackup(row);
    for (const row of lostRestores) await this.notifyLostRestore(row);
    const requeued = [
      ...(await requeueQueuedRuns(
        this.dataSource,
        backupRuns(this.config.backups.concurrencyPerServer),
        QUEUED_BACKUP_GRACE_SECONDS,
        this.producer.queue(JOB_QUEUE[JobName.BackupRun]),
        (id) => enqueueBackupRun(this.producer, id),
      )),
      ...(await requeueQueuedRuns(
        this.dataSource,
        RESTORE_RUNS,
        QUEUED_BACKUP_GRACE_SECONDS,
        this.producer.queue(JOB_QUEUE[JobName.RestoreRun]),
        (id) => enqueueRestoreRun(this.producer, id),
      )),
    ];
    const failed = [...lostBackups, ...lostRestores].map((row) => row.id);
    if (failed.length || requeued.length) this.logger.info({ failed, requeued }, 'backups and restores reaped');
    return { failed: failed.length, requeued: requeued.length };
  }

  /** A scheduled or asked-for backup failed with its worker (a safety backup or an upload is its restore's to report). */
  private async notifyLostBackup(row: LostBackup): Promise<void> {
    if (row.trigger !== 'schedule' && row.trigger !== 'manual') return;
    await this.notifications.backupFailed(
      { sourceKind: row.source_kind, databaseId: row.database_id, volumeId: row.volume_id },
      { id: row.id, trigger: row.trigger, scheduleId: row.schedule_id, reason: BACKUP_WORKER_LOST_REASON, reasonCode: BACKUP_WORKER_LOST_CODE },
    );
  }

  /** A verification lost with its worker left the backup unverified; a restore so lost failed. */
  private async notifyLostRestore(row: LostRestore): Promise<void> {
    if (row.target === 'verify') {
      const backup = row.backup_id === null ? null : await this.backups.findByIdAcrossTeams(row.backup_id);
      if (!backup) return;
      await this.notifications.backupUnverified(backup, {
        ...backup,
        verification: 'failed',
        detail: RESTORE_WORKER_LOST_REASON,
        restoreId: row.id,
        reasonCode: BACKUP_WORKER_LOST_CODE,
      });
      return;
    }
    await this.notifications.restoreFinished(
      { sourceKind: row.source_kind, databaseId: row.database_id, volumeId: row.volume_id },
      {
        id: row.id,
        target: row.target,
        status: 'failed',
        backupId: row.backup_id,
        safetyBackupId: row.safety_backup_id,
        reason: RESTORE_WORKER_LOST_REASON,
        reasonCode: BACKUP_WORKER_LOST_CODE,
      },
    );
  }
}
