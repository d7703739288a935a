import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JOB_QUEUE, JobName, type JobPayload, type JobResult, LiveTopics } from '@zpanel/contracts';
import { InjectLogger } from '@zpanel/core';
import { CommandRunEntity } from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer, LiveStreams, enqueueCommandRun, requeueLostJobs } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';

/** A running run whose heartbeat is older than this lost its worker (heartbeats come every 10 s). */
export const STALE_HEARTBEAT_SECONDS = 60;
/** A run still queued after this long is checked for a job that may have been lost with Redis. */
export const QUEUED_GRACE_SECONDS = 30;
/** Runs re-queued per pass; the next pass takes the rest. */
const REQUEUE_BATCH = 100;

export const WORKER_STOPPED_REASON = 'The worker running it stopped (no heartbeat for a minute); it is not run again by itself.';

/**
 * Keeps command runs from getting stuck (every 30 s, see REPEATING_JOBS): a `running` run whose
 * worker died is failed, never re-run (the command may have done its work); a `queued` run whose
 * job is gone from the queue (Redis lost it, or the job failed before claiming the row) is queued
 * again; the job id is the run id, so doing this twice queues it once.
 */
@Injectable()
@HandlesJob(JobName.CommandRunsReap)
export class CommandRunsReaperHandler implements JobHandler<JobName.CommandRunsReap> {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly producer: JobProducer,
    private readonly live: LiveStreams,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'command-runs-reaper' });
  }

  async handle(_payload: JobPayload<JobName.CommandRunsReap>): Promise<JobResult<JobName.CommandRunsReap>> {
    const failed = await this.failStaleRuns();
    const requeued = await this.requeueLostRuns();
    if (failed.length || requeued.length) this.logger.info({ failed, requeued }, 'command runs reaped');
    return { failed: failed.length, requeued: requeued.length };
  }

  private async failStaleRuns(): Promise<string[]> {
    const result = await this.dataSource
      .getRepository(CommandRunEntity)
      .createQueryBuilder()
      .update()
      .set({ status: 'failed', error: WORKER_STOPPED_REASON, finishedAt: () => 'now()' })
      .where(`status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => :stale))`, { stale: STALE_HEARTBEAT_SECONDS })
      .returning(['id'])
      .execute();
    const ids = (result.raw as { id: string }[]).map((row) => row.id);
    for (const id of ids) {
      await this.live.append(LiveTopics.commandRun(id), { type: 'finished', status: 'failed', exitCode: null }).catch((error: unknown) => {
        this.logger.warn({ err: error, runId: id }, 'finish of a reaped run not sent live');
      });
    }
    return ids;
  }

  private async requeueLostRuns(): Promise<string[]> {
    const stale = await this.dataSource
      .getRepository(CommandRunEntity)
      .createQueryBuilder('r')
      .select('r.id', 'id')
      .where(`r.status = 'queued' AND r.created_at < now() - make_interval(secs => :grace)`, { grace: QUEUED_GRACE_SECONDS })
      .orderBy('r.created_at', 'ASC')
      .limit(REQUEUE_BATCH)
      .getRawMany<{ id: string }>();
    return requeueLostJobs(this.producer.queue(JOB_QUEUE[JobName.ServerCommand]), stale.map((row) => row.id), (id) => enqueueCommandRun(this.producer, id));
  }
}
