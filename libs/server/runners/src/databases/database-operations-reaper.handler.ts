import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type DatabaseOperationKind,
  type DatabaseStatus,
  JOB_QUEUE,
  JobName,
  type JobPayload,
  type JobResult,
  LiveTopics,
  type ReasonCode,
} from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger } from '@zpanel/core';
import { type DatabaseOperationEntity, DatabasesRepository, teamScope } from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer, LiveStreams, enqueueDatabaseOperation } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { DATABASE_OPERATIONS, failLostRuns, reapRuns, requeueQueuedRuns } from '../run-lease';

/** An operation still queued after this long is checked for a job lost with Redis. */
export const QUEUED_OPERATION_GRACE_SECONDS = 30;

export const OPERATION_WORKER_LOST_REASON =
  'The worker running this operation stopped answering (no heartbeat within its lease); it is not run again by itself.';
export const OPERATION_WORKER_LOST_CODE: ReasonCode = 'database.worker_stopped';

/** What a lost operation leaves its database as: only the kinds that put it in a passing status (creating, deleting) need settling. */
const SETTLED_AFTER_LOSS: Partial<Record<DatabaseOperationKind, { from: DatabaseStatus[]; reason: string }>> = {
  create: {
    from: ['creating'],
    reason: 'Creating the database was interrupted (its worker stopped). Delete it and create it again.',
  },
  delete: {
    from: ['deleting'],
    reason: 'Deleting the database was interrupted (its worker stopped). Delete it again.',
  },
};

interface LostRow {
  id: string;
  team_id: string;
  database_id: string;
  kind: DatabaseOperationKind;
}

/**
 * Keeps database operations and their databases from getting stuck (every 5 s, see REPEATING_JOBS): a
 * `running` operation whose heartbeat is older than RUN_LEASE_TTL_MS lost its worker and is failed,
 * never re-run (it may have done part of its work), and a database it left `creating` or `deleting`
 * becomes `failed` with the reason, in the same transaction; a `queued` operation whose job is gone is
 * queued again (job id = operation id, so twice queues once).
 */
@Injectable()
@HandlesJob(JobName.DatabaseOperationsReap)
export class DatabaseOperationsReaperHandler implements JobHandler<JobName.DatabaseOperationsReap> {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly databases: DatabasesRepository,
    private readonly producer: JobProducer,
    private readonly live: LiveStreams,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'database-operations-reaper' });
  }

  async handle(_payload: JobPayload<JobName.DatabaseOperationsReap>): Promise<JobResult<JobName.DatabaseOperationsReap>> {
    return reapRuns(this.logger, 'database operations', { failLost: () => this.failLost(), requeueLost: () => this.requeueLost() });
  }

  private async failLost(): Promise<string[]> {
    const settled = new Map<string, DatabaseStatus | null>();
    const lost = await failLostRuns<DatabaseOperationEntity, LostRow>(
      this.dataSource,
      DATABASE_OPERATIONS,
      this.config.runs.leaseTtlMs,
      { reason: OPERATION_WORKER_LOST_REASON, code: OPERATION_WORKER_LOST_CODE },
      ['team_id', 'database_id', 'kind'],
      async (row, db) => {
        const databases = this.databases.in(db);
        const rule = SETTLED_AFTER_LOSS[row.kind];
        const team = teamScope(row.team_id);
        if (rule)
          await databases.changeStatusFrom(team, row.database_id, rule.from, {
            status: 'failed',
            statusReason: rule.reason,
            statusReasonCode: OPERATION_WORKER_LOST_CODE,
          });
        settled.set(row.id, (await databases.find(team, row.database_id))?.status ?? null);
      },
    );
    for (const row of lost) {
      await this.live
        .append(LiveTopics.databaseOperation(row.id), {
          type: 'status',
          status: 'failed',
          reason: OPERATION_WORKER_LOST_REASON,
          reasonCode: OPERATION_WORKER_LOST_CODE,
          databaseStatus: settled.get(row.id) ?? null,
        })
        .catch((error: unknown) => this.logger.warn({ err: error, operationId: row.id }, 'end of a reaped operation not sent live'));
    }
    return lost.map((row) => row.id);
  }

  private requeueLost(): Promise<string[]> {
    return requeueQueuedRuns(
      this.dataSource,
      DATABASE_OPERATIONS,
      QUEUED_OPERATION_GRACE_SECONDS,
      this.producer.queue(JOB_QUEUE[JobName.DatabaseOperation]),
      (id) => enqueueDatabaseOperation(this.producer, id),
    );
  }
}
