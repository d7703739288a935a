import { Injectable } from '@nestjs/common';
import { type DatabaseStatus, REDIS_DATABASE_NAME, REDIS_USER_NAME, type ReasonCode } from '@zpanel/contracts';
import { type AppConfig, type EngineCommand, InjectConfig, InjectLogger, SecretBox, readinessProbe, zpanelDockerNames } from '@zpanel/core';
import { type DatabaseHealthCandidate, DatabasesRepository, databasePasswordAad, databaseRootPasswordAad } from '@zpanel/database';
import { type DatabaseContainerHealth, DockerDatabaseOps, type PooledTarget, probeSucceeded, releaseDocker } from '@zpanel/remote';
import type { Logger } from 'pino';
import { Redactor } from '../deployment/deployment-log';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import type { DatabaseOpsFactory } from './database-operation.handler';
import { type ProbeOutcome, healthVerdict, probeWords } from './database-health';
import { EventNotifications } from '../notifications/event-notifications';

export interface DatabaseHealthTimings {
  /** One readiness probe (the exec included). */
  probeTimeoutMs: number;
  /** The whole reconciliation of one server: listing, probes and writes. What is not probed by then is left as it is. */
  budgetMs: number;
  /** Probes in flight at once on one server. */
  concurrency: number;
}

export const DATABASE_HEALTH_TIMINGS: DatabaseHealthTimings = { probeTimeoutMs: 5_000, budgetMs: 15_000, concurrency: 4 };

/** A status a check changed. */
export interface HealthTransition {
  databaseId: string;
  from: DatabaseStatus;
  to: DatabaseStatus;
  code: ReasonCode | null;
}

export interface HealthSummary {
  /** Databases looked at (no operation active, a status a check may change). */
  checked: number;
  /** Of those, how many had their engine probed in time. */
  probed: number;
  changed: HealthTransition[];
  /** Why the containers could not be listed (nothing was changed then). */
  error?: string;
}

class BudgetSpent extends Error {
  constructor() {
    super('the database health budget was spent');
    this.name = 'BudgetSpent';
  }
}

/** `work`, or a rejection once `signal` aborts: a Docker call stuck on a busy SSH channel cannot outlast it. */
function until<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new BudgetSpent());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new BudgetSpent());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Settles the statuses of a server's databases during its periodic check (docs/databases.md,
 * "Status"): one listing of the instance's database containers, then, for each database whose
 * container runs, one readiness probe (bounded concurrency, a short timeout each, one budget for the
 * whole server), then `healthVerdict` and a write guarded against any operation that started or ended
 * meanwhile. Databases with an operation queued or running are not looked at.
 */
@Injectable()
export class DatabaseHealthCheck {
  private readonly logger: Logger;
  /** Replaced by tests that cannot wait seconds. */
  timings: DatabaseHealthTimings = DATABASE_HEALTH_TIMINGS;
  /** Replaced by unit tests with a fake server. */
  opsFor: DatabaseOpsFactory;

  constructor(
    private readonly databases: DatabasesRepository,
    pool: WorkerSshPool,
    private readonly box: SecretBox,
    @InjectConfig() config: AppConfig,
    @InjectLogger() logger: Logger,
    private readonly notifications: EventNotifications,
  ) {
    this.logger = logger.child({ component: 'database-health' });
    const names = zpanelDockerNames(config.docker.namespace);
    this.opsFor = (target) => {
      const docker = pool.docker(target);
      return { ops: new DockerDatabaseOps(docker, names), release: () => releaseDocker(docker) };
    };
  }

  async reconcile(serverId: string, target: PooledTarget): Promise<HealthSummary> {
    const { since, databases } = await this.databases.healthCheckCandidates(serverId);
    const summary: HealthSummary = { checked: databases.length, probed: 0, changed: [] };
    if (databases.length === 0) return summary;

    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(new BudgetSpent()), this.timings.budgetMs);
    const { ops, release } = this.opsFor(target);
    try {
      let containers: Map<string, DatabaseContainerHealth>;
      try {
        containers = await until(ops.containerStates(budget.signal), budget.signal);
      } catch (error) {
        // Not knowing is not "gone": nothing changes until a check can list them.
        summary.error = messageOf(error).slice(0, 200);
        this.logger.info({ serverId, reason: summary.error }, 'database containers not listed; statuses left as they are');
        return summary;
      }

      const probes = new Map<string, ProbeOutcome>();
      // In a new order each time: on a server with more databases than one budget probes, each one's turn comes.
      const toProbe = shuffled(databases.filter((d) => containers.get(d.id)?.state === 'running'));
      let next = 0;
      const lane = async () => {
        while (next < toProbe.length && !budget.signal.aborted) {
          const database = toProbe[next++];
          const outcome = await this.probe(ops, database, budget.signal);
          if (outcome) probes.set(database.id, outcome);
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.timings.concurrency, toProbe.length) }, lane));
      summary.probed = probes.size;
      if ([...probes.values()].some((outcome) => !outcome.ok)) containers = await this.relisted(ops, containers, budget.signal);

      for (const database of databases) {
        const verdict = healthVerdict({ ...database, container: containers.get(database.id), probe: probes.get(database.id) });
        if (!verdict) continue;
        // Written even past the budget: the writes are local and what was seen is still the newest news.
        if (!(await this.databases.reconcileStatus(database.id, database.status, verdict, since))) continue;
        summary.changed.push({ databaseId: database.id, from: database.status, to: verdict.status, code: verdict.statusReasonCode });
        this.logger.info(
          {
            serverId,
            databaseId: database.id,
            teamId: database.teamId,
            from: database.status,
            to: verdict.status,
            reasonCode: verdict.statusReasonCode,
          },
          verdict.statusReason ?? 'database answers again',
        );
        // The guarded write applied: this check made the change, and tells it once.
        if (verdict.status === 'unhealthy' && database.status !== 'unhealthy')
          await this.notifications.databaseUnhealthy(database.id, { statusReason: verdict.statusReason, statusReasonCode: verdict.statusReasonCode });
        else if (verdict.status === 'running' && database.status === 'unhealthy') await this.notifications.databaseRecovered(database.id);
      }
      return summary;
    } finally {
      clearTimeout(timer);
      budget.abort();
      release();
    }
  }

  /**
   * The listing again after a failed probe: a container killed while its probe ran fails the probe
   * (the exec dies with it, "exit code 137"), and the true news is that it stopped, not that the
   * engine does not answer. Kept as it was when it cannot be listed again in the budget.
   */
  private async relisted(
    ops: ReturnType<DatabaseOpsFactory>['ops'],
    before: Map<string, DatabaseContainerHealth>,
    budget: AbortSignal,
  ): Promise<Map<string, DatabaseContainerHealth>> {
    try {
      return await until(ops.containerStates(budget), budget);
    } catch {
      return before;
    }
  }

  /** One probe: its outcome, or undefined when it could not be asked (the budget spent, a stored value the builder refuses). */
  private async probe(
    ops: ReturnType<DatabaseOpsFactory>['ops'],
    database: DatabaseHealthCandidate,
    budget: AbortSignal,
  ): Promise<ProbeOutcome | undefined> {
    let secrets: string[];
    let command: EngineCommand;
    try {
      const password = this.box.open(database.sealedPassword, databasePasswordAad(database.id));
      const rootPassword =
        database.sealedRootPassword === null ? null : this.box.open(database.sealedRootPassword, databaseRootPasswordAad(database.id));
      secrets = rootPassword === null ? [password] : [password, rootPassword];
      command = readinessProbe(database.engine, {
        databaseName: database.databaseName ?? REDIS_DATABASE_NAME,
        userName: database.userName ?? REDIS_USER_NAME,
        password,
        rootPassword,
      });
    } catch (error) {
      // A builder's refusal names the field, never the value.
      this.logger.warn({ databaseId: database.id, err: messageOf(error) }, 'database not probed');
      return undefined;
    }
    const redactor = new Redactor(secrets);
    // A timer of our own rather than AbortSignal.timeout: the check's clock is then one (setTimeout), which
    // the unit tests can fake; the budget is a setTimeout too.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.timings.probeTimeoutMs);
    const signal = AbortSignal.any([budget, timeout.signal]);
    try {
      // `until` as well as the exec's own timeout: creating the exec is a Docker call of its own.
      const result = await until(ops.exec(database.id, command, { timeoutMs: this.timings.probeTimeoutMs, signal }), signal);
      if (probeSucceeded(command, result)) return { ok: true };
      const said = `${result.stdout}\n${result.stderr}`.trim();
      return { ok: false, output: probeWords(redactor.redact(said === '' ? `exit code ${result.exitCode ?? 'unknown'}` : said)) };
    } catch (error) {
      if (budget.aborted) return undefined;
      const words =
        error instanceof BudgetSpent ? `${command.argv[0]} did not answer within ${this.timings.probeTimeoutMs / 1000} s` : messageOf(error);
      return { ok: false, output: probeWords(redactor.redact(words)) };
    } finally {
      clearTimeout(timer);
    }
  }
}
