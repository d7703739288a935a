import { CommandRunEntity, DatabaseOperationEntity, DeploymentEntity } from '@zpanel/database';
import type { RunKind } from './run-lease';

/** A deployment: one running per application (the unique index backs the guard), owned by its worker. */
export const DEPLOYMENT_RUNS: RunKind<DeploymentEntity> = {
  entity: DeploymentEntity,
  table: 'deployments',
  reasonColumn: 'reason',
  ownedByWorker: true,
  claimGuard: `NOT EXISTS (SELECT 1 FROM "deployments" o WHERE o."application_id" = "deployments"."application_id" AND o."status" = 'running')`,
  // A deployment deleted (with its application) while it ran stops as if cancelled.
  whenGone: 'cancelled',
};

/** A command run: claimed once (never re-run), deleted with its server. */
export const COMMAND_RUNS: RunKind<CommandRunEntity> = {
  entity: CommandRunEntity,
  table: 'command_runs',
  reasonColumn: 'error',
  ownedByWorker: false,
  whenGone: 'deleted',
};

/** A database operation: one queued or running per database (a unique index), owned by its worker; never re-run by itself. */
export const DATABASE_OPERATIONS: RunKind<DatabaseOperationEntity> = {
  entity: DatabaseOperationEntity,
  table: 'database_operations',
  reasonColumn: 'reason',
  ownedByWorker: true,
  // Operation rows are not deleted with their database (a delete finishes after its row is gone); only a team's deletion removes them.
  whenGone: 'deleted',
};
