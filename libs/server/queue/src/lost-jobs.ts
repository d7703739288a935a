import type { Queue } from 'bullmq';

/** States in which a job will still run (or is running): its row needs nothing. */
const PENDING_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Postgres is the source of truth: for rows still `queued` there, whose job id is the row id, puts
 * back every job Redis lost (flushed, evicted) or that failed before claiming its row. A finished or
 * failed job of that id is removed first, or BullMQ would treat the new one as a duplicate.
 * `jobIdOf` names the job of a row whose job id is not the row id (`fanout-<eventId>`).
 * Returns the ids queued again.
 */
export async function requeueLostJobs(
  queue: Queue,
  ids: readonly string[],
  enqueue: (id: string) => Promise<unknown>,
  jobIdOf: (id: string) => string = (id) => id,
): Promise<string[]> {
  const requeued: string[] = [];
  for (const id of ids) {
    const job = await queue.getJob(jobIdOf(id));
    if (job && PENDING_STATES.has(await job.getState())) continue;
    if (job) await job.remove();
    await enqueue(id);
    requeued.push(id);
  }
  return requeued;
}
