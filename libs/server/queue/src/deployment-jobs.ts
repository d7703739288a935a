import { JobName } from '@zpanel/contracts';
import type { JobProducer } from './job-producer';

/**
 * Queues a deployment (API on create, the worker's reaper when a queued deployment lost its job).
 * The job id is the deployment's id, so queueing twice is a no-op; one attempt, because the row
 * (claimed atomically) is the truth and a failed run is a `failed` deployment, not a retry; the
 * finished job is dropped at once so the reaper can tell a lost job from a waiting one.
 */
export function enqueueDeployment(producer: JobProducer, deploymentId: string): Promise<string> {
  return producer.enqueue(JobName.DeploymentRun, { deploymentId }, { jobId: deploymentId, attempts: 1, removeOnComplete: true, removeOnFail: true });
}
