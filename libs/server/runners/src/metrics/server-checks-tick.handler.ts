import { Injectable } from '@nestjs/common';
import { JobName, type JobResult, REPEATING_JOBS } from '@zpanel/contracts';
import { type AppConfig, InjectConfig } from '@zpanel/core';
import { ServersRepository } from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer } from '@zpanel/queue';
import { CHECKED_STATUSES } from './server-check-state';

/**
 * A server due before the next tick is claimed by this one: ticks come every 5 s, so without this a
 * 5 s interval that falls a few milliseconds after a tick would wait for the tick after (10 s).
 */
const EARLY_SECONDS = (REPEATING_JOBS[JobName.ServerChecksTick]?.everyMs ?? 5_000) / 2 / 1000;

/**
 * Every few seconds: claims the servers whose check is due and queues one `server.check` each.
 * The claim (moving `next_check_at` one interval on, in the statement that finds them) is what
 * makes two workers' ticks, or a slow tick and the next, exclusive: a row claimed by one is no
 * longer due for the other. The job id (server + claimed slot) dedupes once more in the queue.
 *
 * Only servers that passed validation once (their host key is pinned) are checked: a check must
 * never be a server's first contact.
 */
@Injectable()
@HandlesJob(JobName.ServerChecksTick)
export class ServerChecksTickHandler implements JobHandler<JobName.ServerChecksTick> {
  constructor(
    private readonly servers: ServersRepository,
    private readonly jobs: JobProducer,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async handle(): Promise<JobResult<JobName.ServerChecksTick>> {
    const claimed = await this.servers.claimDueForCheck(CHECKED_STATUSES, this.config.servers.checkIntervalSeconds, EARLY_SECONDS);
    for (const server of claimed) {
      await this.jobs.enqueue(
        JobName.ServerCheck,
        { serverId: server.id },
        { jobId: `check-${server.id}-${server.nextCheckAt.getTime()}`, attempts: 1, removeOnComplete: true, removeOnFail: { age: 3600 } },
      );
    }
    return { queued: claimed.length };
  }
}
