import type { EntityTarget, FindOptionsSelect } from 'typeorm';
import { In } from 'typeorm';
import { DatabaseOperationEntity } from '../entities';
import { type PageWindow, TeamOwnedRepository } from './entity-repository';
import { insertQueued } from './insert-queued';
import type { TeamScope } from './team-scope';

/** Every column but the log: what a history needs. */
const SUMMARY_COLUMNS: FindOptionsSelect<DatabaseOperationEntity> = {
  id: true,
  teamId: true,
  databaseId: true,
  kind: true,
  deleteData: true,
  status: true,
  reason: true,
  reasonCode: true,
  userId: true,
  tokenId: true,
  actorName: true,
  cancelRequestedAt: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  heartbeatAt: true,
  workerId: true,
};

/** What the API knows of an operation it queues; the rest (status, log, lease columns) starts empty. */
export type NewDatabaseOperation = Pick<DatabaseOperationEntity, 'databaseId' | 'kind' | 'userId' | 'tokenId' | 'actorName'> & {
  /** `delete` only. */
  deleteData?: boolean;
};

/**
 * Operations on databases: the API queues them (`addQueued`, then `enqueueDatabaseOperation` from
 * `@zpanel/queue`), the worker runs them under the run lease. One at a time per database, queued or
 * running: the partial unique index `database_operations_one_active_per_database` holds it.
 */
export class DatabaseOperationsRepository extends TeamOwnedRepository<DatabaseOperationEntity> {
  protected readonly target: EntityTarget<DatabaseOperationEntity> = DatabaseOperationEntity;
  readonly noun = 'database operation';

  /**
   * Inserts the operation `queued`, or returns null when the database already has one queued or
   * running (answer 409 with `activeOf`). One statement against the unique index, so of two concurrent
   * requests exactly one gets in, and a transaction the caller holds is not aborted by the refusal.
   */
  addQueued(team: TeamScope, operation: NewDatabaseOperation): Promise<DatabaseOperationEntity | null> {
    return insertQueued(this.rows, { ...operation, deleteData: operation.deleteData ?? false, teamId: this.teamIdOf(team) });
  }

  /** The database's queued or running operation, if any (what a 409 names). */
  activeOf(team: TeamScope, databaseId: string): Promise<DatabaseOperationEntity | null> {
    return this.rows.findOne({ where: this.scoped(team, { databaseId, status: In(['queued', 'running']) }), select: SUMMARY_COLUMNS });
  }

  /** The database's operations, newest first, without their logs. */
  pageOfDatabase(team: TeamScope, databaseId: string, window: PageWindow): Promise<[DatabaseOperationEntity[], number]> {
    return this.rows.findAndCount({
      where: this.scoped(team, { databaseId }),
      select: SUMMARY_COLUMNS,
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: window.skip,
      take: window.take,
    });
  }

  /** An operation of this database only (with its log): an id of another database's is as missing as an unknown one. */
  findOfDatabase(team: TeamScope, databaseId: string, id: string): Promise<DatabaseOperationEntity | null> {
    return this.rows.findOneBy(this.scoped(team, { id, databaseId }));
  }
}
