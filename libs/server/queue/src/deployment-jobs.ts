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

/**
 * Queues the removal of a deleted application's containers and images. Retried with backoff: the
 * server may be briefly unreachable, and removing what is already gone is a no-op.
 */
export function enqueueApplicationCleanup(
  producer: Pick<JobProducer, 'enqueue'>,
  payload: { serverId: string; applicationId: string; stopGraceSeconds: number; deleteVolumes: boolean },
): Promise<string> {
  return producer.enqueue(JobName.ApplicationCleanup, payload, {
    jobId: `cleanup-${payload.applicationId}`,
    attempts: 8,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 86_400 },
  });
}
