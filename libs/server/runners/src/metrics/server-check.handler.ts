import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobName, type JobPayload, type JobResult, type ServerMetricSampleDto } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger } from '@zpanel/core';
import { ServerMetricsRepository, ServersRepository } from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer, enqueueProxySync } from '@zpanel/queue';
import { HostKeyMismatchError, type PooledTarget, SampleTimeoutError, type ServerSample, ServerUnreachableError } from '@zpanel/remote';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { RuleSample } from './alert-rules';
import { ServerAlerts } from './server-alerts';
import { CHECKED_STATUSES, type CheckOutcome, type CheckState, nextCheckState } from './server-check-state';
import { ServerLiveEvents } from '../servers/server-live-events';
import { ServerSamplers } from './server-samplers';
import { ServerTargets } from '../servers/server-targets';
import { connectFailure } from '../servers/server-validation.handler';
import { DatabaseHealthCheck } from '../databases/database-health-check';
import { EventNotifications } from '../notifications/event-notifications';

function outcomeOf(error: unknown, target: PooledTarget): CheckOutcome & { reachable: false } {
  const cause = error instanceof ServerUnreachableError ? error.cause : error;
  if (error instanceof SampleTimeoutError)
    return { reachable: false, reason: `${target.host}:${target.port} did not answer in time.`, code: 'server.unreachable' };
  const { reason, code } = connectFailure(cause, target);
  return { reachable: false, reason, code, ...(cause instanceof HostKeyMismatchError ? { hostKeyChanged: true } : {}) };
}

/** Two decimals is more than a gauge shows, and what a `real` column keeps exactly enough to read back the same. */
const round2 = (n: number | null | undefined): number | null => (n === null || n === undefined ? null : Math.round(n * 100) / 100);

function sampleDto(ts: Date, sample: ServerSample | undefined): ServerMetricSampleDto {
  const host = sample?.host;
  return {
    ts: ts.toISOString(),
    reachable: sample !== undefined,
    cpuPercent: round2(host?.cpuPercent),
    memoryUsedBytes: host?.memoryUsedBytes ?? null,
    memoryTotalBytes: host?.memoryTotalBytes ?? null,
    diskUsedBytes: host?.diskUsedBytes ?? null,
    diskTotalBytes: host?.diskTotalBytes ?? null,
    load1: round2(host?.load1),
    load5: round2(host?.load5),
    load15: round2(host?.load15),
    containers: (sample?.containers ?? []).map((c) => ({ ...c, cpuPercent: round2(c.cpuPercent) as number })),
  };
}

/**
 * One periodic check of a server: samples it (a failure is an unreachable sample), stores the
 * sample, moves the status (unreachable after 3 failures in a row, ready again at the first
 * success), pushes the sample and any status change live, settles its databases' statuses
 * (`DatabaseHealthCheck`), and evaluates the server's alert rules.
 * The status is read and written under a row lock, so a validation or a second check running at
 * the same moment cannot interleave with it.
 */
@Injectable()
@HandlesJob(JobName.ServerCheck)
export class ServerCheckHandler implements JobHandler<JobName.ServerCheck> {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly servers: ServersRepository,
    private readonly samples: ServerMetricsRepository,
    private readonly targets: ServerTargets,
    private readonly samplers: ServerSamplers,
    private readonly alerts: ServerAlerts,
    private readonly live: ServerLiveEvents,
    private readonly jobs: JobProducer,
    private readonly databaseHealth: DatabaseHealthCheck,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
    private readonly notifications: EventNotifications,
  ) {
    this.logger = logger.child({ component: 'server-check' });
  }

  async handle({ serverId }: JobPayload<JobName.ServerCheck>): Promise<JobResult<JobName.ServerCheck>> {
    const loaded = await this.targets.load(serverId);
    // Deleted, or sent back to validation since it was queued.
    if (!loaded || !CHECKED_STATUSES.includes(loaded.server.status)) return { skipped: true };
    const { target } = loaded;

    const started = Date.now();
    const { sampler, release } = this.samplers.open(target);
    let sample: ServerSample | undefined;
    let outcome: CheckOutcome;
    try {
      sample = await sampler.sample();
      outcome = { reachable: true };
      if (sample.dockerError) this.logger.info({ serverId, reason: sample.dockerError }, 'container stats unavailable');
    } catch (error) {
      outcome = outcomeOf(error, target);
    } finally {
      release();
    }
    const ts = new Date();
    const dto = sampleDto(ts, sample);

    const result = await this.dataSource.transaction(async (manager) => {
      const servers = this.servers.in(manager);
      const server = await servers.lockForCheck(serverId);
      if (!server || !CHECKED_STATUSES.includes(server.status)) return undefined;
      const next = nextCheckState(server, outcome);
      await servers.recordCheck(serverId, {
        status: next.status,
        statusReason: next.statusReason,
        statusReasonCode: next.statusReasonCode,
        consecutiveFailures: next.consecutiveFailures,
        lastCheckedAt: ts,
      });
      await this.samples.in(manager).addRaw(server, dto, ts);
      return { server, next };
    });
    if (!result) return { skipped: true };
    const { server, next } = result;
    this.logger.debug({ serverId, reachable: outcome.reachable, ms: Date.now() - started }, 'server checked');

    await this.live.metrics(serverId, dto);
    if (next.statusChanged) {
      this.logger.info({ serverId, from: server.status, to: next.status, reason: next.statusReason }, 'server status changed by check');
      await this.live.status(server, next.status, next.statusReason, next.statusReasonCode);
      await this.notifyStatus(server.id, server, next, outcome);
      // Back from an outage: the proxy may have missed route changes its sync retries gave up on.
      if (next.status === 'ready') {
        await enqueueProxySync(this.jobs, server.id).catch((error: unknown) => this.logger.warn({ err: error, serverId }, 'proxy sync not queued'));
      }
    }

    // The databases' statuses from the same visit; only when the server and its Docker Engine answered,
    // since a check that cannot see the containers must not call them gone. Never fails the check.
    if (outcome.reachable && !sample?.dockerError) {
      try {
        await this.databaseHealth.reconcile(serverId, target);
      } catch (error) {
        this.logger.warn({ err: error, serverId }, 'database statuses not checked');
      }
    }

    const interval = server.checkIntervalSeconds ?? this.config.servers.checkIntervalSeconds;
    const latest: RuleSample = {
      ts,
      reachable: dto.reachable,
      cpuPercent: dto.cpuPercent,
      memoryUsedBytes: dto.memoryUsedBytes,
      memoryTotalBytes: dto.memoryTotalBytes,
      diskUsedBytes: dto.diskUsedBytes,
      diskTotalBytes: dto.diskTotalBytes,
      load1: dto.load1,
    };
    await this.alerts.evaluate(
      { id: server.id, teamId: server.teamId, name: server.name, statusReason: next.statusReason },
      latest,
      // A sample may come late by a slow check or a busy queue; three missed intervals is a real gap.
      { serverUnreachable: next.status === 'unreachable', maxGapSeconds: Math.max(3 * interval, 30) },
    );
    return { reachable: outcome.reachable, status: next.status };
  }

  /** The status the check changed (under its row lock, so once): down, back, or its host key changed. */
  private async notifyStatus(serverId: string, before: CheckState, next: CheckState, outcome: CheckOutcome): Promise<void> {
    if (next.status === 'unreachable') await this.notifications.serverUnreachable(serverId, next);
    else if (next.status === 'ready' && before.status === 'unreachable')
      await this.notifications.serverRecovered(serverId, { wasReason: before.statusReason });
    else if (next.status === 'invalid' && !outcome.reachable && outcome.hostKeyChanged)
      await this.notifications.serverHostKeyChanged(serverId, { statusReason: next.statusReason });
  }
}
