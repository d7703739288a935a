import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Ability, JobName, LiveTopics } from '@zpanel/contracts';
import { parseContainerId, parseLogTail } from '@zpanel/core';
import { ServersRepository } from '@zpanel/database';
import { JobProducer, LiveLeases } from '@zpanel/queue';
import type { Caller } from '../access/caller';
import { type LiveRequestOf, LiveRegistry, type LiveSubscription, requireUuid } from '../live/live-registry';
import { TeamAccessService } from '../access/team-access.service';

/**
 * `container-logs`: follows a container's log, the last `tail` lines then new ones. Each
 * subscription is its own follow (a worker job writing to a topic of its own), alive while the API
 * holds the follow's lease: unsubscribing, disconnecting or this process dying ends it.
 */
@Injectable()
export class ContainerLogsLiveSubscriptions implements OnModuleInit {
  constructor(
    private readonly registry: LiveRegistry,
    private readonly access: TeamAccessService,
    private readonly servers: ServersRepository,
    private readonly jobs: JobProducer,
    private readonly leases: LiveLeases,
  ) {}

  onModuleInit(): void {
    this.registry.register('container-logs', { authorize: (caller, request) => this.follow(caller, request) });
  }

  private async follow(caller: Caller, request: LiveRequestOf<'container-logs'>): Promise<LiveSubscription> {
    // Checked as the REST logs endpoint checks them, before anything reaches the queue.
    const serverId = requireUuid(request.serverId, 'serverId');
    const containerId = parseContainerId(request.containerId);
    const tail = parseLogTail(request.tail);
    const teamId = await this.servers.teamOf(serverId);
    const check = (who: Caller) => this.access.requireForResource(who, teamId, Ability.Read, this.servers.noun);
    await check(caller);

    const followId = randomUUID();
    let release: (() => Promise<void>) | undefined;
    return {
      topic: LiveTopics.containerLogs(followId),
      after: '0',
      recheck: check,
      onStart: async () => {
        release = await this.leases.hold(followId);
        // A follow is for the viewer who asked: retried later, nobody would be watching.
        await this.jobs.enqueue(
          JobName.ServerContainerLogsFollow,
          { serverId, containerId, tail, followId },
          { jobId: followId, attempts: 1, removeOnComplete: true, removeOnFail: { age: 3_600 } },
        );
      },
      onStop: async () => {
        await release?.();
      },
    };
  }
}
