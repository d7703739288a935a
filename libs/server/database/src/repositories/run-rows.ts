import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { EntityRepository } from './entity-repository';

/** What the lease needs to know of a table of runs. */
export interface RunTable<E extends ObjectLiteral> {
  entity: EntityTarget<E>;
  /** Rows record the worker that claimed them, and only that worker may finish them. */
  ownedByWorker: boolean;
  /** More SQL the claim must satisfy, e.g. one running run per application. */
  claimGuard?: string;
  /** More columns the claim sets (SQL expressions of the row), e.g. the server slot a backup takes. */
  claimSet?: Record<string, () => string>;
}

/**
 * The SET of a cancel request, made one conditional UPDATE by the caller's WHERE (the run's id and
 * `status IN ('queued', 'running')`): a queued run is cancelled at once, with `verdict` (property:
 * [column, words]) written only then; a running one is only flagged, for the worker running it to
 * stop, so a run claimed meanwhile is never marked cancelled behind its worker's back.
 */
export function cancelRequest(verdict: Record<string, [column: string, words: string]>): Record<string, () => string> {
  const ifQueued = (then: string, otherwise: string) => () => `CASE WHEN status = 'queued' THEN ${then} ELSE ${otherwise} END`;
  const set: Record<string, () => string> = {
    cancelRequestedAt: () => 'now()',
    status: ifQueued(`'cancelled'`, 'status'),
    finishedAt: ifQueued('now()', 'finished_at'),
  };
  for (const [property, [column, words]] of Object.entries(verdict)) set[property] = ifQueued(`'${words.replace(/'/g, "''")}'`, column);
  return set;
}

/**
 * The lease columns of a table of runs (deployments, command runs), written alike for every kind:
 * claim, heartbeat, cancel check and finish. A worker's job names the run, so these go by id.
 */
export class RunRows<E extends ObjectLiteral> extends EntityRepository<E> {
  protected readonly target: EntityTarget<E>;

  constructor(
    manager: EntityManager,
    private readonly table: RunTable<E>,
  ) {
    super(manager);
    this.target = table.entity;
  }

  override in(manager: EntityManager): this {
    return new RunRows(manager, this.table) as this;
  }

  /** queued -> running in one conditional statement; false when the row is not (or no longer) queued or the guard refused. */
  async claim(runId: string, workerId: string): Promise<boolean> {
    const query = this.rows
      .createQueryBuilder()
      .update()
      .set({
        ...this.table.claimSet,
        status: 'running',
        startedAt: () => 'now()',
        heartbeatAt: () => 'now()',
        ...(this.table.ownedByWorker ? { workerId } : {}),
      } as never)
      .where(`id = :runId AND status = 'queued'`, { runId });
    if (this.table.claimGuard) query.andWhere(this.table.claimGuard);
    const claimed = await query.returning(['id']).execute();
    return (claimed.raw as unknown[]).length > 0;
  }

  /** Saves the heartbeat, with `progress` columns if any, while the row is running. */
  async beat(runId: string, progress: Record<string, unknown>): Promise<void> {
    await this.rows.update({ id: runId, status: 'running' } as never, { heartbeatAt: () => 'now()', ...progress } as never);
  }

  /** Whether a cancel was requested, or the row is gone. */
  async cancelState(runId: string): Promise<'none' | 'cancelled' | 'gone'> {
    const row = (await this.rows.findOne({ where: { id: runId } as never, select: { id: true, cancelRequestedAt: true } as never })) as {
      cancelRequestedAt: Date | null;
    } | null;
    if (!row) return 'gone';
    return row.cancelRequestedAt ? 'cancelled' : 'none';
  }

  /** running -> terminal (and owned by `workerId` when the table says so); false when the reaper or a delete got there first. */
  async finish(runId: string, workerId: string, fields: Record<string, unknown>): Promise<boolean> {
    const where = { id: runId, status: 'running', ...(this.table.ownedByWorker ? { workerId } : {}) };
    const finished = await this.rows.update(where as never, { ...fields, finishedAt: () => 'now()', heartbeatAt: () => 'now()' } as never);
    return (finished.affected ?? 0) > 0;
  }
}
