import { JobName } from '@zpanel/contracts';
import type { JobsOptions } from 'bullmq';
import type { JobProducer } from './job-producer';

/** Changes to one server's routing within one window become one proxy sync. */
export const PROXY_SYNC_WINDOW_MS = 1_000;

/**
 * One job per server and window: the job id names the window, and the job is delayed until the
 * window ends. Every change committed in the window is enqueued before its job can start, so the
 * job (which reads Postgres when it runs) sees all of them; a change in the next window gets the
 * next job. A burst of edits costs one sync, and no edit is left unapplied. Retried with backoff:
 * a server briefly unreachable gets its routes when it answers again.
 */
export function proxySyncJobOptions(serverId: string, now: number = Date.now()): JobsOptions {
  const window = Math.floor(now / PROXY_SYNC_WINDOW_MS);
  return {
    jobId: `proxy-sync-${serverId}-${window}`,
    delay: (window + 1) * PROXY_SYNC_WINDOW_MS - now,
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: true,
    removeOnFail: { age: 86_400 },
  };
}

/** Asks the worker to bring a server's proxy in line with its applications (API after an edit, worker after validation). */
export function enqueueProxySync(producer: Pick<JobProducer, 'enqueue'>, serverId: string, now?: number): Promise<string> {
  return producer.enqueue(JobName.ServerProxySync, { serverId }, proxySyncJobOptions(serverId, now));
}
