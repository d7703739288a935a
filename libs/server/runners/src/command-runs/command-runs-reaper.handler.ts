import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JOB_QUEUE, JobName, type JobPayload, type JobResult, LiveTopics } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger } from '@zpanel/core';
import { HandlesJob, type JobHandler, JobProducer, LiveStreams, enqueueCommandRun } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { COMMAND_RUNS, failLostRuns, reapRuns, requeueQueuedRuns } from '../run-lease';

/** A run still queued after this long is checked for a job that may have been lost with Redis. */
export const QUEUED_GRACE_SECONDS = 30;

export const WORKER_STOPPED_REASON = 'The worker running it stopped (no heartbeat within its lease); it is not run again by itself.';

/**
 * Keeps command runs from getting stuck (every 30 s, see REPEATING_JOBS): a `running` run whose
 * heartbeat is older than RUN_LEASE_TTL_MS lost its worker and is failed, never re-run (the command may have done its work); a `queued` run whose
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
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.logger = logger.child({ component: 'command-runs-reaper' });
  }

  async handle(_payload: JobPayload<JobName.CommandRunsReap>): Promise<JobResult<JobName.CommandRunsReap>> {
    return reapRuns(this.logger, 'command runs', { failLost: () => this.failStaleRuns(), requeueLost: () => this.requeueLostRuns() });
  }

  private async failStaleRuns(): Promise<string[]> {
    const ids = (await failLostRuns(this.dataSource, COMMAND_RUNS, this.config.runs.leaseTtlMs, { reason: WORKER_STOPPED_REASON })).map(
      (row) => row.id,
    );
    for (const id of ids) {
      await this.live.append(LiveTopics.commandRun(id), { type: 'finished', status: 'failed', exitCode: null }).catch((error: unknown) => {
        this.logger.warn({ err: error, runId: id }, 'finish of a reaped run not sent live');
      });
    }
    return ids;
  }

  private requeueLostRuns(): Promise<string[]> {
    return requeueQueuedRuns(this.dataSource, COMMAND_RUNS, QUEUED_GRACE_SECONDS, this.producer.queue(JOB_QUEUE[JobName.ServerCommand]), (id) =>
      enqueueCommandRun(this.producer, id),
    );
  }
}
