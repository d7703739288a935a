import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type DeploymentLiveEvent,
  type DeploymentLogLine,
  type DeploymentStatus,
  type DeploymentStep,
  FINISHED_DEPLOYMENT_STATUSES,
  LiveTopics,
  type ReasonCode,
} from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger } from '@zpanel/core';
import { LiveStreams } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { DeploymentLogSink } from './deployment-log';

/** Live entries kept per deployment: a 50,000-line build in ~100 ms batches fits many times over. */
const LIVE_MAX_ENTRIES = 100_000;
/** While it runs, the topic outlives the deployment's timeout by an hour (a worker that died says nothing). */
const LIVE_TTL_AFTER_SECONDS = 3_600;
/**
 * Once finished (its last append), the topic goes after five minutes: every line is in Postgres, which
 * is where later viewers replay from; kept for an hour, a redeploy a minute held 60+ streams in Redis.
 */
const LIVE_TTL_AFTER_FINISH_SECONDS = 300;

/**
 * Where a deployment's log and status go: lines stored in `deployment_logs` (one multi-row INSERT
 * per batch) and then appended to the deployment's live stream; status changes to the stream.
 */
@Injectable()
export class DeploymentEvents {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly live: LiveStreams,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'deployments' });
  }

  private get liveOptions() {
    return { maxLen: LIVE_MAX_ENTRIES, ttlSeconds: Math.ceil(this.config.deployments.timeoutMs / 1000) + LIVE_TTL_AFTER_SECONDS };
  }

  sink(deploymentId: string): DeploymentLogSink {
    return {
      store: (lines) => this.store(deploymentId, lines),
      publish: (lines) => this.publish(deploymentId, { type: 'lines', lines }),
    };
  }

  /** `db`: a transaction's manager, for a line that must land with the row's change (the reaper's verdict). */
  async store(deploymentId: string, lines: DeploymentLogLine[], db: Pick<DataSource, 'query'> = this.dataSource): Promise<void> {
    if (lines.length === 0) return;
    await db.query(
      `INSERT INTO "deployment_logs" ("deployment_id", "seq", "ts", "stream", "line")
       SELECT $1, * FROM unnest($2::bigint[], $3::timestamptz[], $4::text[], $5::text[])`,
      [deploymentId, lines.map((l) => l.seq), lines.map((l) => l.ts), lines.map((l) => l.stream), lines.map((l) => l.line)],
    );
  }

  async publish(deploymentId: string, event: DeploymentLiveEvent): Promise<void> {
    const finished = event.type === 'status' && FINISHED_DEPLOYMENT_STATUSES.includes(event.status);
    await this.live.append(
      LiveTopics.deploymentLogs(deploymentId),
      event,
      finished ? { ...this.liveOptions, ttlSeconds: LIVE_TTL_AFTER_FINISH_SECONDS } : this.liveOptions,
    );
  }

  /** Status changes are a convenience for viewers: the row stays the truth, so a failed append is only logged. */
  async status(
    deploymentId: string,
    status: DeploymentStatus,
    step: DeploymentStep,
    reason: string | null,
    reasonCode: ReasonCode | null = null,
  ): Promise<void> {
    await this.publish(deploymentId, { type: 'status', status, step, reason, reasonCode }).catch((error: unknown) => {
      this.logger.warn({ err: error, deploymentId }, 'deployment status not sent live');
    });
  }

  /** The last stored line number (the reaper appends its verdict after it). */
  async lastSeq(deploymentId: string, db: Pick<DataSource, 'query'> = this.dataSource): Promise<number> {
    const [row] = (await db.query(`SELECT coalesce(max("seq"), 0) AS "seq" FROM "deployment_logs" WHERE "deployment_id" = $1`, [deploymentId])) as {
      seq: string;
    }[];
    return Number(row?.seq ?? 0);
  }
}
