import { Injectable } from '@nestjs/common';
import { JobName, type JobPayload, type JobResult, type ServerVolumeDto } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, ZPANEL_LABELS } from '@zpanel/core';
import { HandlesJob, type JobHandler } from '@zpanel/queue';
import { releaseDocker } from '@zpanel/remote';
import type Docker from 'dockerode';
import { describeContainerFailure } from '../containers/container-failures';
import { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';

interface DfVolume {
  Name: string;
  Labels?: Record<string, string> | null;
  CreatedAt?: string;
  UsageData?: { Size?: number } | null;
}

/**
 * `server.volumes`: what the API asks about applications' named volumes on a server, through its
 * Docker API: sizes (`docker system df -v`'s numbers), one team's volumes of this instance, and
 * removing one of them. Only volumes labelled with this instance's namespace, the team and the
 * volume role are ever listed or removed, whatever the API sent.
 */
@Injectable()
@HandlesJob(JobName.ServerVolumes)
export class ServerVolumesHandler implements JobHandler<JobName.ServerVolumes> {
  constructor(
    private readonly targets: ServerTargets,
    private readonly pool: WorkerSshPool,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async handle(operation: JobPayload<JobName.ServerVolumes>): Promise<JobResult<JobName.ServerVolumes>> {
    const loaded = await this.targets.load(operation.serverId);
    if (!loaded) return { ok: false, status: 404, message: 'No such server' };
    const docker = this.pool.docker(loaded.target);
    try {
      switch (operation.op) {
        case 'usage': {
          const wanted = new Set(operation.dockerNames);
          return { ok: true, volumes: (await this.ours(docker)).filter((v) => wanted.has(v.Name)).map(toDto) };
        }
        case 'list-team':
          return { ok: true, volumes: (await this.ours(docker)).filter((v) => v.Labels?.[ZPANEL_LABELS.team] === operation.teamId).map(toDto) };
        case 'remove': {
          const volume = (await this.ours(docker)).find(
            (v) => v.Name === operation.dockerName && v.Labels?.[ZPANEL_LABELS.team] === operation.teamId,
          );
          if (!volume) return { ok: false, status: 404, message: 'No such volume of the team on this server' };
          try {
            await docker.getVolume(volume.Name).remove();
          } catch (error) {
            const code = (error as { statusCode?: number }).statusCode;
            if (code === 404) return { ok: false, status: 404, message: 'No such volume of the team on this server' };
            if (code === 409) return { ok: false, status: 409, message: 'A container still uses the volume' };
            throw error;
          }
          return { ok: true };
        }
      }
    } catch (error) {
      const failure = describeContainerFailure(error, loaded.target);
      if (failure && failure.status === 503) return { ok: false, status: 503, message: failure.message };
      throw error;
    } finally {
      releaseDocker(docker);
    }
  }

  /** Application volumes of this instance, with the sizes Docker computed. */
  private async ours(docker: Docker): Promise<DfVolume[]> {
    const df = (await docker.df()) as { Volumes?: DfVolume[] | null };
    return (df.Volumes ?? []).filter(
      (v) => v.Labels?.[ZPANEL_LABELS.namespace] === this.config.docker.namespace && v.Labels?.[ZPANEL_LABELS.role] === 'volume',
    );
  }
}

function toDto(v: DfVolume): ServerVolumeDto {
  const size = v.UsageData?.Size;
  return {
    dockerName: v.Name,
    applicationId: v.Labels?.[ZPANEL_LABELS.application] ?? null,
    name: v.Labels?.[ZPANEL_LABELS.volume] ?? null,
    // Docker says -1 when it did not compute the size.
    sizeBytes: typeof size === 'number' && size >= 0 ? size : null,
    createdAt: v.CreatedAt ?? null,
  };
}
