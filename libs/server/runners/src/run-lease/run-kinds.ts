import { BackupEntity, CommandRunEntity, DatabaseOperationEntity, DeploymentEntity, RestoreEntity } from '@zpanel/database';
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

/**
 * The lowest of the server's `perServer` backup slots no running backup holds, NULL when all are
 * taken or the backup has no server (the instance's own database).
 */
function freeServerSlot(perServer: number): string {
  return `(SELECT min(s) FROM generate_series(1, ${perServer}) AS s WHERE NOT EXISTS (
    SELECT 1 FROM "backups" o WHERE o."server_id" = "backups"."server_id" AND o."status" = 'running' AND o."server_slot" = s))`;
}

/**
 * A backup: at most `perServer` (BACKUP_CONCURRENCY_PER_SERVER, `config.backups.concurrencyPerServer`) running per server. The claim takes a free slot
 * (`server_slot`); two workers taking the same slot at once hit the unique index `backups_server_slot_key`
 * and one of them gets a unique violation (23505): treat it, like a refused guard, as busy and retry.
 * Owned by its worker; deleted with its team only (the history outlives its source).
 */
export function backupRuns(perServer: number): RunKind<BackupEntity> {
  if (!Number.isInteger(perServer) || perServer < 1) throw new RangeError(`backups per server must be a positive integer, not ${perServer}`);
  return {
    entity: BackupEntity,
    table: 'backups',
    reasonColumn: 'reason',
    ownedByWorker: true,
    claimGuard: `("backups"."server_id" IS NULL OR ${freeServerSlot(perServer)} IS NOT NULL)`,
    claimSet: { serverSlot: () => `CASE WHEN "backups"."server_id" IS NULL THEN NULL ELSE ${freeServerSlot(perServer)} END` },
    whenGone: 'deleted',
  };
}

/** A restore: one queued or running into a database or volume (unique indexes); owned by its worker. */
export const RESTORE_RUNS: RunKind<RestoreEntity> = {
  entity: RestoreEntity,
  table: 'restores',
  reasonColumn: 'reason',
  ownedByWorker: true,
  whenGone: 'deleted',
};
