import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JobName, QueueName, type SystemStatus, type WorkerInfo, type WorkerProbeResult } from '@zpanel/contracts';
import { ZPANEL_VERSION } from '@zpanel/core';
import { JobProducer, WorkerRegistry } from '@zpanel/queue';
import { ReadinessService } from '../health/readiness.service';
import { InstanceService } from '../instance/instance.service';

export const PROBE_TIMEOUT_MS = 5_000;

@Injectable()
export class SystemService implements OnApplicationBootstrap {
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly readiness: ReadinessService,
    private readonly workers: WorkerRegistry,
    private readonly jobs: JobProducer,
    private readonly instance: InstanceService,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: the API must start even while Redis is down; the probe reports that case.
    this.jobs.warmUp(QueueName.System).catch(() => undefined);
  }

  async status(options: { probe?: boolean } = {}): Promise<SystemStatus> {
    const readiness = await this.readiness.check();
    const [instanceId, workers, probe] = await Promise.all([
      readiness.checks.postgres.status === 'up' ? this.instance.instanceId() : Promise.resolve('unknown'),
      readiness.checks.redis.status === 'up' ? this.workers.list() : Promise.resolve([] as WorkerInfo[]),
      options.probe ? this.probe() : Promise.resolve(undefined),
    ]);
    return { version: ZPANEL_VERSION, instanceId, apiStartedAt: this.startedAt, readiness, workers, ...(probe ? { probe } : {}) };
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
