import { Injectable } from '@nestjs/common';
import { type ContainerDetailsDto, type ContainerDto, JobName, type JobPayload, type JobResult } from '@zpanel/contracts';
import { HandlesJob, type JobHandler } from '@zpanel/queue';
import { type ContainerDetails, type ContainerSummary, DockerContainers, releaseDocker } from '@zpanel/remote';
import { describeContainerFailure } from './container-failures';
import { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';

function toDto(c: ContainerSummary): ContainerDto {
  return { id: c.id, names: c.names, image: c.image, state: c.state, status: c.status, labels: c.labels, createdAt: c.created.toISOString() };
}

function toDetails(c: ContainerDetails): ContainerDetailsDto {
  return {
    ...toDto(c),
    exitCode: c.exitCode,
    startedAt: c.startedAt?.toISOString() ?? null,
    finishedAt: c.finishedAt?.toISOString() ?? null,
    restartCount: c.restartCount,
    tty: c.tty,
  };
}

/** Container operations for the API, through the server's pooled SSH connection and its Docker API. */
@Injectable()
@HandlesJob(JobName.ServerContainers)
export class ServerContainersHandler implements JobHandler<JobName.ServerContainers> {
  constructor(
    private readonly targets: ServerTargets,
    private readonly pool: WorkerSshPool,
  ) {}

  async handle(operation: JobPayload<JobName.ServerContainers>): Promise<JobResult<JobName.ServerContainers>> {
    const loaded = await this.targets.load(operation.serverId);
    if (!loaded) return { ok: false, status: 404, message: 'No such server' };
    const docker = this.pool.docker(loaded.target);
    const containers = new DockerContainers(docker);
    try {
      switch (operation.op) {
        case 'list':
          return { ok: true, containers: (await containers.list({ all: operation.all, managedOnly: operation.managedOnly })).map(toDto) };
        case 'inspect':
          return { ok: true, container: toDetails(await containers.inspect(operation.containerId)) };
        case 'logs':
          return { ok: true, logs: await containers.logs(operation.containerId, { tail: operation.tail, since: operation.since }) };
        case 'action':
          if (operation.action === 'start') await containers.start(operation.containerId);
          else if (operation.action === 'stop') await containers.stop(operation.containerId, { timeoutSeconds: operation.timeoutSeconds });
          else if (operation.action === 'restart') await containers.restart(operation.containerId, { timeoutSeconds: operation.timeoutSeconds });
          else await containers.remove(operation.containerId, { force: operation.force });
          return { ok: true };
      }
    } catch (error) {
      const failure = describeContainerFailure(error, loaded.target, operation.op === 'list' ? undefined : operation.containerId);
      if (failure) return { ok: false, ...failure };
      throw error;
    } finally {
      releaseDocker(docker);
    }
  }
}
