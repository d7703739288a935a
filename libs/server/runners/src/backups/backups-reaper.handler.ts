import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JOB_QUEUE, JobName, type JobResult, LiveTopics, type ReasonCode } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger } from '@zpanel/core';
import { type BackupEntity, BackupsRepository, type RestoreEntity } from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer, LiveStreams, enqueueBackupRun, enqueueRestoreRun } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { RESTORE_RUNS, backupRuns, failLostRuns, requeueQueuedRuns } from '../run-lease';

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
  ) {
    this.logger = logger.child({ component: 'backups-reaper' });
  }

  async handle(): Promise<JobResult<JobName.BackupsReap>> {
    const ttl = this.config.runs.leaseTtlMs;
    const lostBackups = await failLostRuns<BackupEntity, { id: string }>(this.dataSource, backupRuns(this.config.backups.concurrencyPerServer), ttl, {
      reason: BACKUP_WORKER_LOST_REASON,
      code: BACKUP_WORKER_LOST_CODE,
    });
    const lostRestores = await failLostRuns<RestoreEntity, { id: string; target: string; backup_id: string | null }>(
      this.dataSource,
      RESTORE_RUNS,
      ttl,
      { reason: RESTORE_WORKER_LOST_REASON, code: BACKUP_WORKER_LOST_CODE },
      ['target', 'backup_id'],
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
}
