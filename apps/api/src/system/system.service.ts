import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobName, QueueName, type RepeatingJobStatus, type SystemStatus, type WorkerInfo, type WorkerProbeResult } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, ZPANEL_VERSION, repeatingJobPeriods } from '@zpanel/core';
import { isOverdue, repeatingJobRuns } from '@zpanel/database';
import { JobProducer, WorkerRegistry } from '@zpanel/queue';
import { ReadinessService } from '../health/readiness.service';
import { InstanceService } from '../instance/instance.service';
import { DataSource } from 'typeorm';

export const PROBE_TIMEOUT_MS = 5_000;

@Injectable()
export class SystemService implements OnApplicationBootstrap {
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly readiness: ReadinessService,
    private readonly workers: WorkerRegistry,
    private readonly jobs: JobProducer,
    private readonly instance: InstanceService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: the API must start even while Redis is down; the probe reports that case.
    this.jobs.warmUp(QueueName.System).catch(() => undefined);
  }

  async status(options: { probe?: boolean } = {}): Promise<SystemStatus> {
    const readiness = await this.readiness.check();
    const postgresUp = readiness.checks.postgres.status === 'up';
    const [instanceId, workers, repeatingJobs, probe] = await Promise.all([
      postgresUp ? this.instance.instanceId() : Promise.resolve('unknown'),
      readiness.checks.redis.status === 'up' ? this.workers.list() : Promise.resolve([] as WorkerInfo[]),
      postgresUp ? this.repeatingJobs() : Promise.resolve([]),
      options.probe ? this.probe() : Promise.resolve(undefined),
    ]);
    return { version: ZPANEL_VERSION, instanceId, apiStartedAt: this.startedAt, readiness, workers, repeatingJobs, ...(probe ? { probe } : {}) };
  }

  /** Every repeating job with its last run (recorded in Postgres by the worker) and whether it is overdue. */
  async repeatingJobs(): Promise<RepeatingJobStatus[]> {
    const lastRuns = new Map((await repeatingJobRuns(this.dataSource)).map((run) => [run.jobName, run.lastRunAt]));
    return (Object.entries(repeatingJobPeriods(this.config)) as [JobName, { everyMs: number }][]).map(([name, { everyMs }]) => {
      const lastRun = lastRuns.get(name);
      // A job that never ran is not flagged: a fresh install without a worker already shows no workers.
      return { name, everyMs, lastRunAt: lastRun?.toISOString() ?? null, overdue: lastRun ? isOverdue(lastRun, everyMs) : false };
    });
  }

  /** Sends a job through the queue and waits for a worker to finish it. */
  async probe(): Promise<WorkerProbeResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        this.jobs.enqueueAndWait(JobName.SystemProbe, { requestedAt: new Date().toISOString() }, PROBE_TIMEOUT_MS),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no worker answered within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
        }),
      ]);
      return { ok: true, roundTripMs: Math.round(performance.now() - started), workerId: result.workerId };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, roundTripMs: Math.round(performance.now() - started), error: message.slice(0, 200) };
    } finally {
      clearTimeout(timer);
    }
  }
}
