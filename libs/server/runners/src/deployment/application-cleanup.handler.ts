import { Injectable } from '@nestjs/common';
import { JobName, type JobPayload, type JobResult } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, zpanelDockerNames } from '@zpanel/core';
import { HandlesJob, type JobHandler } from '@zpanel/queue';
import { releaseDocker } from '@zpanel/remote';
import type { Logger } from 'pino';
import { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { cleanUpApplication } from './application-cleanup';
import { DockerDeploymentOps } from './docker-deployment-ops';

/** `application.cleanup`: what a deleted application left running on its server goes with it. */
@Injectable()
@HandlesJob(JobName.ApplicationCleanup)
export class ApplicationCleanupHandler implements JobHandler<JobName.ApplicationCleanup> {
  private readonly logger: Logger;

  constructor(
    private readonly targets: ServerTargets,
    private readonly pool: WorkerSshPool,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'application-cleanup' });
  }

  async handle({
    serverId,
    applicationId,
    stopGraceSeconds,
    deleteVolumes,
  }: JobPayload<JobName.ApplicationCleanup>): Promise<JobResult<JobName.ApplicationCleanup>> {
    const loaded = await this.targets.load(serverId);
    // A deleted server took its containers' management with it; nothing left to reach.
    if (!loaded) return { skipped: true };
    const docker = this.pool.docker(loaded.target);
    try {
      const outcome = await cleanUpApplication(
        new DockerDeploymentOps(docker, zpanelDockerNames(this.config.docker.namespace), applicationId),
        stopGraceSeconds,
        { deleteVolumes: deleteVolumes ?? false },
      );
      this.logger.info({ serverId, applicationId, ...outcome }, 'deleted application cleaned up');
      return outcome;
    } finally {
      releaseDocker(docker);
    }
  }
}
