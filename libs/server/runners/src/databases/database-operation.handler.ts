import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type DatabaseOperationLiveEvent,
  type DatabaseStatus,
  JobName,
  type JobPayload,
  type JobResult,
  LiveTopics,
  type ReasonCode,
} from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, ReasonError, SecretBox, zpanelDockerNames } from '@zpanel/core';
import {
  ApplicationsRepository,
  type DatabaseEntity,
  type DatabaseOperationEntity,
  DatabaseOperationsRepository,
  DatabasesRepository,
  databasePasswordAad,
  databaseRootPasswordAad,
  teamScope,
} from '@zpanel/database';
import { HandlesJob, type JobContext, type JobHandler, LiveStreams, WORKER_ID } from '@zpanel/queue';
import { type DatabaseOps, DockerDatabaseOps, type PooledTarget, releaseDocker } from '@zpanel/remote';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PeriodicFlusher } from '../command-runs/command-output';
import { DATABASE_OPERATIONS, type LeaseStopReason, type LeaseTimings, RunLease, RunLeaseStore } from '../run-lease';
import { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { DatabaseOperationRunner, type DatabaseRowWriter, type DatabaseStepTimings, type OperationOutcome } from './database-operation-runner';
import { OperationLog } from './operation-log';

export interface DatabaseOperationTimings extends LeaseTimings, DatabaseStepTimings {
  /** Log lines are batched this long into one live event. */
  logBatchMs: number;
  /** The whole operation (an image pull included) fails with `database.timed_out` after this long. */
  operationTimeoutMs: number;
}

export const DATABASE_OPERATION_TIMINGS: DatabaseOperationTimings = {
  heartbeatMs: 3_000,
  cancelPollMs: 1_000,
  logBatchMs: 100,
  operationTimeoutMs: 20 * 60_000,
  createReadiness: { timeoutMs: 300_000, intervalMs: 1_000, quick: { intervalMs: 100, forMs: 10_000 }, probeTimeoutMs: 10_000 },
  readiness: { timeoutMs: 120_000, intervalMs: 1_000, quick: { intervalMs: 100, forMs: 10_000 }, probeTimeoutMs: 10_000 },
  stopGraceSeconds: 30,
  execTimeoutMs: 60_000,
};

/** The live topic outlives the operation by an hour, so a page opened after it ended still replays it. */
const LIVE_TTL_SECONDS = 2 * 3_600;
const INTERNAL_REASON = 'Zpanel could not run the operation (an internal error; see the worker log).';

/** Why a held operation stopped, in words. */
const STOPPED: Record<LeaseStopReason, { code: ReasonCode; reason: string }> = {
  timeout: { code: 'database.timed_out', reason: 'The operation took too long and was stopped.' },
  'worker-stopped': { code: 'database.worker_stopped', reason: 'The worker stopped while the operation ran; it is not run again by itself.' },
  deleted: { code: 'database.internal', reason: 'The operation was deleted while it ran.' },
  cancelled: { code: 'database.internal', reason: 'The operation was cancelled.' },
};

/** The Docker side of a server for one operation; `release` closes its channels. Tests give a fake. */
export type DatabaseOpsFactory = (target: PooledTarget) => { ops: DatabaseOps; release(): void };

/**
 * Runs one database operation (docs/databases.md, "Operations") under the run lease, as command runs
 * run theirs: claimed once (never re-run), a heartbeat the reaper watches, the log batched to the
 * operation's live topic and saved with each heartbeat and at the end, passwords redacted from both.
 * The database's status follows the operation (`creating` -> `running` or `failed`, `stopped`,
 * `unhealthy` with why, `deleting` -> gone); what each kind does is `DatabaseOperationRunner`.
 */
@Injectable()
@HandlesJob(JobName.DatabaseOperation)
export class DatabaseOperationHandler implements JobHandler<JobName.DatabaseOperation> {
  private readonly logger: Logger;
  private readonly lease: RunLease;
  /** Replaced by tests that cannot wait minutes. */
  timings: DatabaseOperationTimings;
  /** Replaced by unit tests with a fake server. */
  opsFor: DatabaseOpsFactory;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly operations: DatabaseOperationsRepository,
    private readonly databases: DatabasesRepository,
    private readonly applications: ApplicationsRepository,
    private readonly targets: ServerTargets,
    pool: WorkerSshPool,
    private readonly live: LiveStreams,
    private readonly box: SecretBox,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
    @Inject(WORKER_ID) workerId: string,
  ) {
    this.logger = logger.child({ component: 'database-operations' });
    this.timings = { ...DATABASE_OPERATION_TIMINGS, heartbeatMs: config.runs.heartbeatMs };
    this.lease = new RunLease(
      new RunLeaseStore(dataSource, DATABASE_OPERATIONS),
      workerId,
      () => this.timings,
      this.logger,
      DATABASE_OPERATIONS.whenGone,
    );
    const names = zpanelDockerNames(config.docker.namespace);
    this.opsFor = (target) => {
      const docker = pool.docker(target);
      return { ops: new DockerDatabaseOps(docker, names), release: () => releaseDocker(docker) };
    };
  }

  async handle({ operationId }: JobPayload<JobName.DatabaseOperation>, context: JobContext): Promise<JobResult<JobName.DatabaseOperation>> {
    if (!(await this.lease.claim(operationId))) return { ran: false };
    const operation = await this.operations.findByIdAcrossTeams(operationId);
    if (!operation) return { ran: false };

    const topic = LiveTopics.databaseOperation(operationId);
    const send = async (event: DatabaseOperationLiveEvent) => {
      try {
        await this.live.append(topic, event, { ttlSeconds: LIVE_TTL_SECONDS });
      } catch (error) {
        // Live lines are a convenience: the stored log and status stay the truth.
        this.logger.warn({ err: error, operationId }, 'database operation event not sent live');
      }
    };
    const log = new OperationLog();
    const flusher = new PeriodicFlusher(async () => {
      const lines = log.takeLines();
      if (lines.length > 0) await send({ type: 'lines', lines });
    }, this.timings.logBatchMs);
    let savedVersion = log.version;
    const held = this.lease.hold(operationId, {
      workerSignal: context.signal,
      timeoutMs: this.timings.operationTimeoutMs,
      progress: () => {
        const changed = log.version !== savedVersion;
        savedVersion = log.version;
        return changed ? { log: log.text } : {};
      },
    });

    const database = await this.databases.findByIdAcrossTeams(operation.databaseId);
    await send({ type: 'status', status: 'running', reason: null, reasonCode: null, databaseStatus: database?.status ?? null });
    flusher.start();
    let outcome: OperationOutcome;
    try {
      outcome = await this.execute(operation, database, log, held.signal);
    } catch (error) {
      outcome = await this.failure(operation, error, log, held.signal);
    } finally {
      held.release();
    }
    if (outcome.reason !== null) this.logger.info({ operationId, reasonCode: outcome.reasonCode }, log.redact(outcome.reason));
    await flusher.stop();

    const finished = await this.lease.finish(operationId, {
      status: outcome.status,
      reason: outcome.reason,
      reasonCode: outcome.reasonCode,
      log: log.text,
    });
    const databaseStatus =
      outcome.databaseStatus === undefined
        ? ((await this.databases.findByIdAcrossTeams(operation.databaseId))?.status ?? null)
        : outcome.databaseStatus;
    // False: the reaper failed it already (this worker looked dead) and said so live.
    if (finished) await send({ type: 'status', status: outcome.status, reason: outcome.reason, reasonCode: outcome.reasonCode, databaseStatus });
    this.logger.info({ operationId, databaseId: operation.databaseId, kind: operation.kind, status: outcome.status }, 'database operation finished');
    return { ran: true, status: outcome.status };
  }

  private async execute(
    operation: DatabaseOperationEntity,
    database: DatabaseEntity | null,
    log: OperationLog,
    signal: AbortSignal,
  ): Promise<OperationOutcome> {
    if (!database) {
      // A delete finds nothing left to delete: done.
      if (operation.kind === 'delete') return { status: 'success', reason: null, reasonCode: null, databaseStatus: null };
      log.write('The database no longer exists.');
      return { status: 'failed', reason: 'The database no longer exists.', reasonCode: 'database.gone', databaseStatus: null };
    }
    const team = teamScope(database.teamId);
    const loaded = await this.targets.load(database.serverId);
    if (!loaded) throw new ReasonError('database.server_gone', 'The server of this database no longer exists.');
    const sealed = await this.databases.sealedSecrets(team, database.id);
    if (!sealed) return { status: 'failed', reason: 'The database no longer exists.', reasonCode: 'database.gone', databaseStatus: null };
    const password = this.box.open(sealed.password, databasePasswordAad(database.id));
    const rootPassword = sealed.rootPassword === null ? null : this.box.open(sealed.rootPassword, databaseRootPasswordAad(database.id));
    log.addSecret(password);
    if (rootPassword !== null) log.addSecret(rootPassword);
    log.write(`${operation.kind} ${database.name} (${database.engine}, ${database.image}) on ${loaded.server.name}.`);

    const rows: DatabaseRowWriter = {
      setStatus: (status, why) =>
        this.databases
          .changeStatusFrom(team, database.id, ['creating', 'running', 'stopped', 'unhealthy', 'failed', 'deleting'], {
            status,
            statusReason: why?.reason ?? null,
            statusReasonCode: why?.code ?? null,
          })
          .then(() => undefined),
      setPassword: (value) => this.databases.change(team, database.id, { password: value, updatedAt: new Date() }),
      setRootPassword: (value) => this.databases.change(team, database.id, { rootPassword: value }),
      setImage: (image) => this.databases.change(team, database.id, { image, updatedAt: new Date() }),
      remove: () => this.databases.deleteOne(team, database.id).then(() => undefined),
      markRotatedForRedeploy: async () => {
        // Named: an application may reference several databases.
        const reason = `The password of database ${database.name} was rotated.`;
        const marked = await this.applications.markReferencingDatabaseForRedeploy(
          team,
          { environmentId: database.environmentId, name: database.name },
          reason,
        );
        return marked.map((application) => application.name);
      },
    };
    const { ops, release } = this.opsFor(loaded.target);
    try {
      const runner = new DatabaseOperationRunner(ops, rows, this.box, zpanelDockerNames(this.config.docker.namespace), log, this.timings, signal);
      return await runner.run(operation.kind, { ...database, password, rootPassword }, { deleteData: operation.deleteData });
    } finally {
      release();
    }
  }

  /**
   * An error the runner had no words for, or the lease stopping the operation: the operation fails with
   * words chosen here (never an internal error's message), and a database left `creating` or `deleting`
   * becomes `failed`, so it is never stuck in a passing status.
   */
  private async failure(operation: DatabaseOperationEntity, error: unknown, log: OperationLog, signal: AbortSignal): Promise<OperationOutcome> {
    let verdict: { code: ReasonCode; reason: string };
    if (signal.aborted) verdict = STOPPED[signal.reason as LeaseStopReason] ?? STOPPED.timeout;
    else if (error instanceof ReasonError) verdict = { code: error.code, reason: error.reason };
    else {
      this.logger.error({ err: error, operationId: operation.id }, 'database operation failed unexpectedly');
      verdict = { code: 'database.internal', reason: INTERNAL_REASON };
    }
    log.write(verdict.reason);
    let databaseStatus: DatabaseStatus | undefined;
    if (operation.kind === 'create' || operation.kind === 'delete') {
      try {
        const settled = await this.databases.changeStatusFrom(teamScope(operation.teamId), operation.databaseId, ['creating', 'deleting'], {
          status: 'failed',
          statusReason: verdict.reason,
          statusReasonCode: verdict.code,
        });
        if (settled) databaseStatus = 'failed';
      } catch (settleError) {
        // The reaper settles it if this did not: the operation is failed either way.
        this.logger.error({ err: settleError, operationId: operation.id }, 'database status not settled');
      }
    }
    return { status: 'failed', reason: verdict.reason, reasonCode: verdict.code, databaseStatus };
  }
}
