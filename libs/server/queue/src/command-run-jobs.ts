import { JobName } from '@zpanel/contracts';
import type { JobProducer } from './job-producer';

/**
 * Queues the run of a command (API on create, the worker's reaper when a queued run lost its job).
 * The job id is the run's id, so queueing twice is a no-op; one attempt only, because a command
 * that may have run must never run again by itself; the finished job is dropped at once so the
 * reaper can tell a lost job from a waiting one.
 */
export function enqueueCommandRun(producer: JobProducer, runId: string): Promise<string> {
  return producer.enqueue(JobName.ServerCommand, { runId }, { jobId: runId, attempts: 1, removeOnComplete: true, removeOnFail: { age: 86_400 } });
}
