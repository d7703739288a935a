import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Ability, LiveTopics, type NotificationLiveEvent } from '@zpanel/contracts';
import { LiveSubscriber } from '@zpanel/queue';
import type { Caller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { type LiveRequestOf, LiveRegistry, type LiveSubscription, requireUuid } from '../live/live-registry';

/**
 * `notifications`: the caller's notification centre in one team, kept fresh as the worker fans
 * events out. It follows the team's topic (every member's events) and, for a person, their own
 * (their sign-ins and 2FA changes, and the owners' notices of the teams they own), passing on from
 * the latter only what belongs to this team or to no team. No replay: the list comes over REST. An
 * API token follows the team's topic only. Access is checked again on every access change.
 */
@Injectable()
export class NotificationLiveSubscriptions implements OnModuleInit {
  constructor(
    private readonly registry: LiveRegistry,
    private readonly access: TeamAccessService,
    private readonly subscriber: LiveSubscriber,
  ) {}

  onModuleInit(): void {
    this.registry.register('notifications', { authorize: (caller, request) => this.notifications(caller, request) });
  }

  private async notifications(caller: Caller, request: LiveRequestOf<'notifications'>): Promise<LiveSubscription> {
    const teamId = requireUuid(request.teamId, 'teamId').toLowerCase();
    const check = (who: Caller) => this.access.require(who, teamId, Ability.Read);
    await check(caller);
    const team = LiveTopics.teamNotifications(teamId);
    const personal = caller.kind === 'user' ? LiveTopics.userNotifications(caller.userId) : null;
    return {
      topic: team,
      follow: async (deliver) => {
        const stopTeam = await this.subscriber.follow(team, undefined, deliver);
        if (!personal) return stopTeam;
        try {
          const stopPersonal = await this.subscriber.follow(personal, undefined, (entry) => {
            const owner = (entry.event as NotificationLiveEvent | undefined)?.notification?.teamId;
            if (owner === null || owner === teamId) deliver(entry);
          });
          return async () => {
            await Promise.all([stopTeam(), stopPersonal()]);
          };
        } catch (error) {
          await stopTeam();
          throw error;
        }
      },
      recheck: check,
    };
  }
}
