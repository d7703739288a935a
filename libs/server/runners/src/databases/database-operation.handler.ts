import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobName, type JobPayload, type JobResult, LiveTopics, type ReasonCode } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger } from '@zpanel/core';
import { DatabaseOperationsRepository, DatabasesRepository, teamScope } from '@zpanel/database';
import { HandlesJob, type JobHandler, LiveStreams, WORKER_ID } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { DATABASE_OPERATIONS, type LeaseTimings, RunLease, RunLeaseStore } from '../run-lease';

const NOT_YET_REASON = 'Database operations are not available in this build yet.';
const NOT_YET_CODE: ReasonCode = 'database.internal';

/**
 * Runs one database operation under the run lease. This first part only claims the operation and
 * fails it with a reason, so nothing queued is ever left waiting; the operations themselves follow.
 */
@Injectable()
@HandlesJob(JobName.DatabaseOperation)
export class DatabaseOperationHandler implements JobHandler<JobName.DatabaseOperation> {
  private readonly logger: Logger;
  private readonly lease: RunLease;
  timings: LeaseTimings;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly operations: DatabaseOperationsRepository,
    private readonly databases: DatabasesRepository,
    private readonly live: LiveStreams,
    @InjectLogger() logger: Logger,
    @Inject(WORKER_ID) workerId: string,
    @InjectConfig() config: AppConfig,
  ) {
    this.logger = logger.child({ component: 'database-operations' });
    this.timings = { heartbeatMs: config.runs.heartbeatMs, cancelPollMs: 1_000 };
    this.lease = new RunLease(new RunLeaseStore(dataSource, DATABASE_OPERATIONS), workerId, () => this.timings, this.logger, 'deleted');
  }

  async handle({ operationId }: JobPayload<JobName.DatabaseOperation>): Promise<JobResult<JobName.DatabaseOperation>> {
    if (!(await this.lease.claim(operationId))) return { ran: false };
    const operation = await this.operations.findByIdAcrossTeams(operationId);
    if (operation && (operation.kind === 'create' || operation.kind === 'delete')) {
      await this.databases.changeStatusFrom(teamScope(operation.teamId), operation.databaseId, ['creating', 'deleting'], {
        status: 'failed',
        statusReason: NOT_YET_REASON,
        statusReasonCode: NOT_YET_CODE,
      });
    }
    await this.lease.finish(operationId, { status: 'failed', reason: NOT_YET_REASON, reasonCode: NOT_YET_CODE });
    const database = operation ? await this.databases.findByIdAcrossTeams(operation.databaseId) : null;
    await this.live
      .append(LiveTopics.databaseOperation(operationId), {
        type: 'status',
        status: 'failed',
        reason: NOT_YET_REASON,
        reasonCode: NOT_YET_CODE,
        databaseStatus: database?.status ?? null,
      })
      .catch((error: unknown) => this.logger.warn({ err: error, operationId }, 'operation end not sent live'));
    return { ran: true, status: 'failed' };
  }
}
