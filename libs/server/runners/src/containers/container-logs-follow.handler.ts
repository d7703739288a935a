import { Injectable } from '@nestjs/common';
import { type ContainerLogLiveEvent, JobName, type JobPayload, type JobResult, LiveTopics } from '@zpanel/contracts';
import { InjectLogger } from '@zpanel/core';
import { HandlesJob, type JobContext, type JobHandler, LiveLeases, LiveStreams } from '@zpanel/queue';
import { DockerContainers, releaseDocker } from '@zpanel/remote';
import type { Logger } from 'pino';
import { describeContainerFailure } from './container-failures';
import { ContainerLogFollower, LOG_FOLLOW_LIMITS, type LogFollowLimits } from './container-log-follower';
import { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';

/**
 * A follow's topic has one reader, which replays it from the start as it subscribes: a short
 * history and a short life are enough (a reconnecting viewer starts a new follow).
 */
const TOPIC_OPTIONS = { maxLen: 1_000, ttlSeconds: 600 };

/**
 * Follows a container's log for one viewer of the SPA (a `container-logs` live subscription),
 * writing batches of lines to the follow's live topic until the viewer leaves, the container stops,
 * an hour passes, the worker shuts down or the server fails; the last event says which.
 */
@Injectable()
@HandlesJob(JobName.ServerContainerLogsFollow)
export class ContainerLogsFollowHandler implements JobHandler<JobName.ServerContainerLogsFollow> {
  private readonly logger: Logger;
  /** Replaced by tests that need a follow to end sooner than an hour. */
  limits: LogFollowLimits = LOG_FOLLOW_LIMITS;

  constructor(
    private readonly targets: ServerTargets,
    private readonly pool: WorkerSshPool,
    private readonly streams: LiveStreams,
    private readonly leases: LiveLeases,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'container-logs-follow' });
  }

  async handle(payload: JobPayload<JobName.ServerContainerLogsFollow>, context: JobContext): Promise<JobResult<JobName.ServerContainerLogsFollow>> {
    const { serverId, containerId, tail, followId } = payload;
    const topic = LiveTopics.containerLogs(followId);
    const sink = {
      append: async (event: ContainerLogLiveEvent) => void (await this.streams.append(topic, event, TOPIC_OPTIONS)),
      viewerPresent: () => this.leases.isHeld(followId),
    };

    try {
      const loaded = await this.targets.load(serverId);
      if (!loaded) {
        const reason = 'The server no longer exists';
        await sink.append({ type: 'end', reason });
        return { reason };
      }
      const docker = this.pool.docker(loaded.target);
      const release = this.pool.hold(loaded.target);
      const explain = (error: unknown) => {
        const failure = describeContainerFailure(error, loaded.target, containerId);
        if (failure) return failure.message;
        this.logger.error({ err: error, serverId, containerId }, 'following a container log failed');
        return 'Following the logs failed unexpectedly: see the worker log';
      };
      try {
        const reason = await new ContainerLogFollower(new DockerContainers(docker), sink, explain, this.limits).run(
          containerId,
          tail,
          context.signal,
        );
        return { reason };
      } finally {
        release();
        releaseDocker(docker);
      }
    } catch (error) {
      // Only Postgres or Redis failing gets here: the follower turns every other failure into an end reason.
      this.logger.warn({ err: error, serverId, containerId, followId }, 'a container log follow failed outside the follow');
      return { reason: 'Following the logs failed: Postgres or Redis is unavailable' };
    }
  }
}
