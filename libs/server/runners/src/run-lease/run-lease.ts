import type { Logger } from 'pino';
import { RunRows } from '@zpanel/database';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** Why a held run was told to stop: the user cancelled it, its row is gone, it ran too long, or this worker is stopping. */
export type LeaseStopReason = 'cancelled' | 'deleted' | 'timeout' | 'worker-stopped';

/** How often a held run saves its heartbeat and asks whether it was cancelled (RUN_HEARTBEAT_MS, tests shorten them). */
export interface LeaseTimings {
  heartbeatMs: number;
  cancelPollMs: number;
}

/**
 * A table of runs (deployments, command runs; later backups, restores, scheduled tasks): rows go
 * `queued` -> `running` (claimed) -> a terminal status, carry `started_at`, `heartbeat_at`,
 * `finished_at` and `cancel_requested_at`, and optionally the claiming worker's id.
 */
export interface RunKind<E extends ObjectLiteral> {
  entity: EntityTarget<E>;
  /** The table, for the reaper's SQL. */
  table: string;
  /** The column the terminal reason goes to. */
  reasonColumn: string;
  /** Rows record the worker that claimed them, and only that worker may finish them. */
  ownedByWorker: boolean;
  /** More SQL the claim must satisfy (the table is named by `table`), e.g. one running run per application. */
  claimGuard?: string;
  /** More columns the claim sets, as SQL expressions of the row (the server slot a backup takes). */
  claimSet?: Record<string, () => string>;
  /** What a row deleted while it ran counts as. */
  whenGone: LeaseStopReason;
}

/** Where a lease reads and writes its run; `RunLeaseStore` is the Postgres one, the unit tests use a fake. */
export interface LeaseStore {
  /** queued -> running in one conditional statement; false when the row is not (or no longer) queued or the guard refused. */
  claim(runId: string, workerId: string): Promise<boolean>;
  /** Saves the heartbeat, with `progress` columns if any, while the row is running. */
  beat(runId: string, progress: Record<string, unknown>): Promise<void>;
  /** Whether a cancel was requested, or the row is gone. */
  cancelState(runId: string): Promise<'none' | 'cancelled' | 'gone'>;
  /** running -> terminal (and owned by `workerId` when the kind says so); false when the reaper or a delete got there first. */
  finish(runId: string, workerId: string, fields: Record<string, unknown>): Promise<boolean>;
}

/** The Postgres store: the run's table through its `RunRows`. */
export class RunLeaseStore<E extends ObjectLiteral> extends RunRows<E> implements LeaseStore {
  constructor(dataSource: DataSource, kind: RunKind<E>) {
    super(dataSource.manager, kind);
  }
}

export interface HoldOptions {
  /** The job's signal: aborted when this worker stops. */
  workerSignal: AbortSignal;
  /** The run fails with `timeout` after this long. */
  timeoutMs?: number;
  /** Columns saved with each heartbeat (output so far); empty when nothing changed. */
  progress?: () => Record<string, unknown>;
  /** Also runs on each heartbeat (other leases the run holds, such as a build slot). */
  onBeat?: () => Promise<void>;
}

/** A claimed run while it runs: `signal` aborts (with a LeaseStopReason) on cancel, delete, timeout or worker stop. */
export interface HeldRun {
  readonly signal: AbortSignal;
  /** Stops the heartbeat, cancel checks and timeout; call before finishing. */
  release(): void;
}

/**
 * The one lease every kind of run holds: claim (queued -> running, once whatever the queue does),
 * heartbeat on an interval so the reaper can tell a dead worker (RUN_LEASE_TTL_MS) from a busy one,
 * cancel and delete detection, timeout, worker stop, and finish with a terminal state and reason.
 */
export class RunLease {
  constructor(
    private readonly store: LeaseStore,
    private readonly workerId: string,
    private readonly timings: () => LeaseTimings,
    private readonly logger: Logger,
    private readonly whenGone: LeaseStopReason,
  ) {}

  claim(runId: string): Promise<boolean> {
    return this.store.claim(runId, this.workerId);
  }

  hold(runId: string, options: HoldOptions): HeldRun {
    const { heartbeatMs, cancelPollMs } = this.timings();
    const abort = new AbortController();
    const stop = (reason: LeaseStopReason) => {
      if (!abort.signal.aborted) abort.abort(reason);
    };
    const onWorkerStop = () => stop('worker-stopped');
    if (options.workerSignal.aborted) onWorkerStop();
    options.workerSignal.addEventListener('abort', onWorkerStop, { once: true });
    const timeout = options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), options.timeoutMs);
    const heartbeat = setInterval(() => {
      this.store
        .beat(runId, options.progress?.() ?? {})
        .catch((error: unknown) => this.logger.warn({ err: error, runId }, 'run heartbeat not saved'));
      options.onBeat?.().catch((error: unknown) => this.logger.warn({ err: error, runId }, 'run lease not refreshed'));
    }, heartbeatMs);
    const cancelPoll = setInterval(() => {
      this.store
        .cancelState(runId)
        .then((state) => {
          if (state === 'gone') stop(this.whenGone);
          else if (state === 'cancelled') stop('cancelled');
        })
        .catch((error: unknown) => this.logger.warn({ err: error, runId }, 'run cancel check failed'));
    }, cancelPollMs);
    return {
      signal: abort.signal,
      release: () => {
        clearTimeout(timeout);
        clearInterval(heartbeat);
        clearInterval(cancelPoll);
        options.workerSignal.removeEventListener('abort', onWorkerStop);
      },
    };
  }

  /** Records the terminal state and reason; false when the run is no longer this worker's (reaped, deleted). */
  finish(runId: string, fields: Record<string, unknown>): Promise<boolean> {
    return this.store.finish(runId, this.workerId, fields);
  }
}
