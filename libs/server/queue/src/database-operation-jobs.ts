import { JobName } from '@zpanel/contracts';
import type { JobProducer } from './job-producer';

/**
 * Queues a database operation (API after `DatabaseOperationsRepository.addQueued` committed, the
 * worker's reaper when a queued operation lost its job). As for command runs: the job id is the
 * operation's id, so queueing twice is a no-op; one attempt, because the row (claimed atomically) is
 * the truth and a failed operation is `failed`, not retried behind the user's back; the finished job
 * is dropped at once so the reaper can tell a lost job from a waiting one.
 */
export function enqueueDatabaseOperation(producer: Pick<JobProducer, 'enqueue'>, operationId: string): Promise<string> {
  return producer.enqueue(
    JobName.DatabaseOperation,
    { operationId },
    { jobId: operationId, attempts: 1, removeOnComplete: true, removeOnFail: { age: 86_400 } },
  );
}
