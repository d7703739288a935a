import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JOB_QUEUE, JobName, type JobPayload, type JobResult, type ReasonCode } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, zpanelDockerNames } from '@zpanel/core';
import { DeploymentEntity } from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer, enqueueDeployment, requeueLostJobs } from '@zpanel/queue';
import { dockerOverSsh, releaseDocker } from '@zpanel/remote';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { BuildSlots } from './build-slots';
import { DeploymentEvents } from './deployment-events';
import { DockerDeploymentOps } from './docker-deployment-ops';

/** A running deployment whose heartbeat is older than this lost its worker (heartbeats come every 10 s). */
export const STALE_DEPLOYMENT_SECONDS = 60;
/** A deployment still queued after this long is checked for a job lost with Redis. */
export const QUEUED_DEPLOYMENT_GRACE_SECONDS = 30;
const REQUEUE_BATCH = 100;

export const WORKER_LOST_REASON = 'Worker lost: the worker running this deployment stopped answering for a minute. The previous container keeps serving; deploy again.';
export const WORKER_LOST_CODE: ReasonCode = 'deployment.worker_stopped';

/** Steps before the new container got the app's alias: it serves nothing and is removed. */
const BEFORE_PROMOTE = ['queued', 'source', 'build', 'start', 'health'];

interface StaleRow {
  id: string;
  application_id: string;
  step: string;
  app_name: string;
  server_id: string;
}

/**
 * Keeps deployments from getting stuck (every 15 s, see REPEATING_JOBS): a `running` deployment
 * whose worker died is failed ("worker lost"), its half-started container removed and its build slot
 * freed; a `queued` one whose job is gone from the queue (Redis flushed, or lost) is queued again
 * (job id = deployment id, so doing it twice queues it once).
 */
@Injectable()
@HandlesJob(JobName.DeploymentsReap)
export class DeploymentsReaperHandler implements JobHandler<JobName.DeploymentsReap> {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly producer: JobProducer,
    private readonly events: DeploymentEvents,
    private readonly targets: ServerTargets,
    private readonly pool: WorkerSshPool,
    private readonly slots: BuildSlots,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'deployments-reaper' });
  }

  async handle(_payload: JobPayload<JobName.DeploymentsReap>): Promise<JobResult<JobName.DeploymentsReap>> {
    const failed = await this.failLostDeployments();
    const requeued = await this.requeueLostJobs();
    if (failed.length || requeued.length) this.logger.info({ failed, requeued }, 'deployments reaped');
    return { failed: failed.length, requeued: requeued.length };
  }

  private async failLostDeployments(): Promise<string[]> {
    const [rows] = (await this.dataSource.query(
      `UPDATE "deployments" d SET "status" = 'failed', "reason" = $2, "reason_code" = $3, "finished_at" = now()
       FROM "applications" a
       WHERE a."id" = d."application_id" AND d."status" = 'running'
         AND (d."heartbeat_at" IS NULL OR d."heartbeat_at" < now() - make_interval(secs => $1))
       RETURNING d."id", d."application_id", d."step", a."name" AS "app_name", a."server_id"`,
      [STALE_DEPLOYMENT_SECONDS, WORKER_LOST_REASON, WORKER_LOST_CODE],
    )) as [StaleRow[], number];
    for (const row of rows) await this.cleanUp(row);
    return rows.map((r) => r.id);
  }

  private async cleanUp(row: StaleRow): Promise<void> {
    const names = zpanelDockerNames(this.config.docker.namespace);
    const container = names.appContainer(row.app_name, row.id);
    let note = `==> Failed: ${WORKER_LOST_REASON}`;
    await this.slots.release(row.server_id, row.id).catch(() => undefined);
    if (BEFORE_PROMOTE.includes(row.step)) {
      const loaded = await this.targets.load(row.server_id);
      if (loaded) {
        const docker = dockerOverSsh(this.pool.streams(loaded.target));
        try {
          await new DockerDeploymentOps(docker, names, row.application_id).removeContainer(container);
          note += ` The half-started container ${container} was removed.`;
        } catch (error) {
          this.logger.warn({ err: error, deploymentId: row.id }, 'container of a lost deployment not removed');
          note += ` The half-started container ${container} could not be removed (the server did not answer).`;
        } finally {
          releaseDocker(docker);
        }
      }
    }
    try {
      const line = { seq: (await this.events.lastSeq(row.id)) + 1, ts: new Date().toISOString(), stream: 'system' as const, line: note };
      await this.events.store(row.id, [line]);
      await this.events.publish(row.id, { type: 'lines', lines: [line] });
    } catch (error) {
      this.logger.warn({ err: error, deploymentId: row.id }, 'verdict of a lost deployment not logged');
    }
    await this.events.status(row.id, 'failed', row.step as never, WORKER_LOST_REASON, WORKER_LOST_CODE);
  }

  private async requeueLostJobs(): Promise<string[]> {
    const stale = await this.dataSource
      .getRepository(DeploymentEntity)
      .createQueryBuilder('d')
      .select('d.id', 'id')
      .where(`d.status = 'queued' AND d.created_at < now() - make_interval(secs => :grace)`, { grace: QUEUED_DEPLOYMENT_GRACE_SECONDS })
      .orderBy('d.created_at', 'ASC')
      .limit(REQUEUE_BATCH)
      .getRawMany<{ id: string }>();
    return requeueLostJobs(this.producer.queue(JOB_QUEUE[JobName.DeploymentRun]), stale.map((row) => row.id), (id) => enqueueDeployment(this.producer, id));
  }
}
