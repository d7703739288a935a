import { JobName } from '@zpanel/contracts';
import type { JobProducer } from './job-producer';

/**
 * As database operations: the job id is the row's id, so queueing twice is a no-op; one attempt,
 * because the row (claimed atomically) is the truth and a failed backup is `failed` with a reason,
 * never retried behind the user's back; the finished job is dropped at once so the reaper can tell a
 * lost job from a waiting one.
 */
const RUN_JOB_OPTIONS = { attempts: 1, removeOnComplete: true, removeOnFail: { age: 86_400 } } as const;

/**
 * Queues a backup run (API "Back up now" after its `queued` row committed, the worker's schedule
 * tick, a restore's safety backup, the reaper when a queued backup lost its job).
 */
export function enqueueBackupRun(producer: Pick<JobProducer, 'enqueue'>, backupId: string): Promise<string> {
  return producer.enqueue(JobName.BackupRun, { backupId }, { jobId: backupId, ...RUN_JOB_OPTIONS });
}

/** Queues a restore (API after its `queued` row committed, the worker's verification after a backup, the reaper). */
export function enqueueRestoreRun(producer: Pick<JobProducer, 'enqueue'>, restoreId: string): Promise<string> {
  return producer.enqueue(JobName.RestoreRun, { restoreId }, { jobId: restoreId, ...RUN_JOB_OPTIONS });
}
