import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Ability, LiveTopics } from '@zpanel/contracts';
import { ServersRepository } from '@zpanel/database';
import type { Caller } from '../access/caller';
import { type LiveRequestOf, LiveRegistry, type LiveSubscription, requireUuid } from '../live/live-registry';
import { TeamAccessService } from '../access/team-access.service';

/** `team` (status and alerts of all the team's servers) and `server` (samples, status, alerts of one). */
@Injectable()
export class ServerLiveSubscriptions implements OnModuleInit {
  constructor(
    private readonly registry: LiveRegistry,
    private readonly access: TeamAccessService,
    private readonly servers: ServersRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register('team', { authorize: (caller, request) => this.team(caller, request) });
    this.registry.register('server', { authorize: (caller, request) => this.server(caller, request) });
  }

  private async team(caller: Caller, request: LiveRequestOf<'team'>): Promise<LiveSubscription> {
    const teamId = requireUuid(request.teamId, 'teamId');
    const check = (who: Caller) => this.access.require(who, teamId, Ability.Read);
    await check(caller);
    return { topic: LiveTopics.team(teamId), recheck: check };
  }

  private async server(caller: Caller, request: LiveRequestOf<'server'>): Promise<LiveSubscription> {
    const serverId = requireUuid(request.serverId, 'serverId');
    const teamId = await this.servers.teamOf(serverId);
    const check = (who: Caller) => this.access.requireForResource(who, teamId, Ability.Read, this.servers.noun);
    await check(caller);
    return { topic: LiveTopics.server(serverId), recheck: check };
  }
}
