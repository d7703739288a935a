import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DeploymentStep, type DeploymentTrigger, JOB_QUEUE, JobName, type JobPayload, type JobResult, type ReasonCode } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, zpanelDockerNames } from '@zpanel/core';
import { ApplicationsRepository, type DeploymentEntity } from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer, enqueueDeployment } from '@zpanel/queue';
import { releaseDocker } from '@zpanel/remote';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { DEPLOYMENT_RUNS, failLostRuns, reapRuns, requeueQueuedRuns } from '../run-lease';
import { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { BuildSlots } from './build-slots';
import { DeploymentEvents } from './deployment-events';
import { DockerDeploymentOps } from './docker-deployment-ops';
import { EventNotifications } from '../notifications/event-notifications';

/** A deployment still queued after this long is checked for a job lost with Redis. */
export const QUEUED_DEPLOYMENT_GRACE_SECONDS = 30;

export const WORKER_LOST_REASON =
  'Worker lost: the worker running this deployment stopped answering (no heartbeat within its lease). The previous container keeps serving; deploy again.';
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

interface LostRow {
  id: string;
  application_id: string;
  step: string;
  trigger: string;
  commit_sha: string | null;
  git_tag: string | null;
}

/**
 * Keeps deployments from getting stuck (every 5 s, see REPEATING_JOBS): a `running` deployment whose
 * heartbeat is older than RUN_LEASE_TTL_MS lost its worker and is failed ("worker lost"), so the next
 * deployment of its application starts on a live worker; its half-started container removed and its build slot
 * freed; a `queued` one whose job is gone from the queue (Redis flushed, or lost) is queued again
 * (job id = deployment id, so doing it twice queues it once).
 */
@Injectable()
@HandlesJob(JobName.DeploymentsReap)
export class DeploymentsReaperHandler implements JobHandler<JobName.DeploymentsReap> {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly producer: JobProducer,
    private readonly events: DeploymentEvents,
    private readonly targets: ServerTargets,
    private readonly pool: WorkerSshPool,
    private readonly slots: BuildSlots,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
    private readonly notifications: EventNotifications,
  ) {
    this.logger = logger.child({ component: 'deployments-reaper' });
  }

  async handle(_payload: JobPayload<JobName.DeploymentsReap>): Promise<JobResult<JobName.DeploymentsReap>> {
    return reapRuns(this.logger, 'deployments', { failLost: () => this.failLostDeployments(), requeueLost: () => this.requeueLostJobs() });
  }

  private async failLostDeployments(): Promise<string[]> {
    // The verdict line is written before the failed status commits: whoever sees "failed" sees why.
    const lost = await failLostRuns<DeploymentEntity, LostRow>(
      this.dataSource,
      DEPLOYMENT_RUNS,
      this.config.runs.leaseTtlMs,
      { reason: WORKER_LOST_REASON, code: WORKER_LOST_CODE },
      ['application_id', 'step', 'trigger', 'commit_sha', 'git_tag'],
      async (row, db) => {
        const app = await this.applications.in(db).findByIdAcrossTeams(row.application_id);
        // The application went with its deployments: nothing of it is left to clean up.
        if (app) await this.cleanUp({ ...row, app_name: app.name, server_id: app.serverId }, db);
      },
    );
    for (const row of lost) {
      await this.events.status(row.id, 'failed', row.step as never, WORKER_LOST_REASON, WORKER_LOST_CODE);
      await this.notifications.deploymentFailed(row.application_id, {
        id: row.id,
        trigger: row.trigger as DeploymentTrigger,
        commitSha: row.commit_sha,
        gitTag: row.git_tag,
        step: row.step as DeploymentStep,
        reason: WORKER_LOST_REASON,
        reasonCode: WORKER_LOST_CODE,
      });
    }
    return lost.map((r) => r.id);
  }

  private async cleanUp(row: StaleRow, db: EntityManager): Promise<void> {
    const names = zpanelDockerNames(this.config.docker.namespace);
    const container = names.appContainer(row.app_name, row.id);
    let note = `==> Failed: ${WORKER_LOST_REASON}`;
    await this.slots.release(row.server_id, row.id).catch(() => undefined);
    if (BEFORE_PROMOTE.includes(row.step)) {
      const loaded = await this.targets.load(row.server_id);
      if (loaded) {
        const docker = this.pool.docker(loaded.target);
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
      const line = { seq: (await this.events.lastSeq(row.id, db)) + 1, ts: new Date().toISOString(), stream: 'system' as const, line: note };
      await this.events.store(row.id, [line], db);
      await this.events.publish(row.id, { type: 'lines', lines: [line] });
    } catch (error) {
      this.logger.warn({ err: error, deploymentId: row.id }, 'verdict of a lost deployment not logged');
    }
  }

  private requeueLostJobs(): Promise<string[]> {
    return requeueQueuedRuns(
      this.dataSource,
      DEPLOYMENT_RUNS,
      QUEUED_DEPLOYMENT_GRACE_SECONDS,
      this.producer.queue(JOB_QUEUE[JobName.DeploymentRun]),
      (id) => enqueueDeployment(this.producer, id),
    );
  }
}
