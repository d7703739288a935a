import { requeueLostJobs } from '@zpanel/queue';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import type { RunKind } from './run-lease';

/** Why a lost run failed: the words, and the ReasonCode where the kind's table stores one (`reason_code`). */
export interface LostVerdict {
  reason: string;
  code?: string;
}

/** Runs re-queued per pass; the next pass takes the rest. */
const REQUEUE_BATCH = 100;

/**
 * Fails every `running` run of the kind whose heartbeat is older than `leaseTtlMs` (its worker died
 * or lost the database) with `reason`, in one statement; returns the rows with `columns`. `settle`
 * runs for each row before the change commits (what it writes through `db` lands with it), so a
 * reader who sees the run failed also sees what the reaper did about it.
 */
export async function failLostRuns<E extends ObjectLiteral, R extends { id: string }>(
  dataSource: DataSource,
  kind: RunKind<E>,
  leaseTtlMs: number,
  verdict: LostVerdict,
  columns: readonly string[] = [],
  settle?: (row: R, db: EntityManager) => Promise<void>,
): Promise<R[]> {
  return dataSource.transaction(async (db) => {
    const rows = await failRows<R>(db, kind, leaseTtlMs, verdict, columns);
    if (settle) for (const row of rows) await settle(row, db);
    return rows;
  });
}

async function failRows<R>(
  db: EntityManager,
  kind: Pick<RunKind<ObjectLiteral>, 'table' | 'reasonColumn'>,
  leaseTtlMs: number,
  verdict: LostVerdict,
  columns: readonly string[],
): Promise<R[]> {
  const returning = ['id', ...columns].map((column) => `"${column}"`).join(', ');
  const code = verdict.code === undefined ? '' : `, "reason_code" = $3`;
  const [rows] = (await db.query(
    `UPDATE "${kind.table}" SET "status" = 'failed', "${kind.reasonColumn}" = $2${code}, "finished_at" = now()
     WHERE "status" = 'running' AND ("heartbeat_at" IS NULL OR "heartbeat_at" < now() - make_interval(secs => $1))
     RETURNING ${returning}`,
    [leaseTtlMs / 1000, verdict.reason, ...(verdict.code === undefined ? [] : [verdict.code])],
  )) as [R[], number];
  return rows;
}

/**
 * Postgres is the source of truth: runs still `queued` after `graceSeconds` whose job Redis lost
 * (flushed, evicted) or that failed before claiming are queued again (job id = run id, so twice queues once).
 */
export async function requeueQueuedRuns<E extends ObjectLiteral>(
  dataSource: DataSource,
  kind: RunKind<E>,
  graceSeconds: number,
  queue: Queue,
  enqueue: (id: string) => Promise<unknown>,
): Promise<string[]> {
  const stale = (await dataSource.query(
    `SELECT "id" FROM "${kind.table}" WHERE "status" = 'queued' AND "created_at" < now() - make_interval(secs => $1) ORDER BY "created_at" ASC LIMIT $2`,
    [graceSeconds, REQUEUE_BATCH],
  )) as { id: string }[];
  return requeueLostJobs(
    queue,
    stale.map((row) => row.id),
    enqueue,
  );
}

/** What a reaper pass did, as the reap jobs report it. */
export interface ReapResult {
  failed: number;
  requeued: number;
}

/**
 * One reaper pass over a run kind: fails the lost runs first (so a lost run is never queued
 * again), then queues again the queued ones whose job is gone; logs the ids when either found any.
 */
export async function reapRuns(
  logger: Logger,
  what: string,
  pass: { failLost(): Promise<string[]>; requeueLost(): Promise<string[]> },
): Promise<ReapResult> {
  const failed = await pass.failLost();
  const requeued = await pass.requeueLost();
  if (failed.length || requeued.length) logger.info({ failed, requeued }, `${what} reaped`);
  return { failed: failed.length, requeued: requeued.length };
}
