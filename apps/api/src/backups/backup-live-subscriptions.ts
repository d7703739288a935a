import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Ability, LiveTopics } from '@zpanel/contracts';
import { BackupsRepository, RestoresRepository } from '@zpanel/database';
import type { Caller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { type LiveRequestOf, LiveRegistry, type LiveSubscription, optionalEntryId, requireUuid } from '../live/live-registry';

/**
 * `backup` and `restore`: a run's log lines and status, replayed from the start (or after `after`),
 * then live. The same ability as reading the run and its log over REST; another team's run (or the
 * instance's, which has no team) is the same 404 as a missing one.
 */
@Injectable()
export class BackupLiveSubscriptions implements OnModuleInit {
  constructor(
    private readonly registry: LiveRegistry,
    private readonly access: TeamAccessService,
    private readonly backups: BackupsRepository,
    private readonly restores: RestoresRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register('backup', { authorize: (caller, request) => this.backup(caller, request) });
    this.registry.register('restore', { authorize: (caller, request) => this.restore(caller, request) });
  }

  private async backup(caller: Caller, request: LiveRequestOf<'backup'>): Promise<LiveSubscription> {
    const backupId = requireUuid(request.backupId, 'backupId');
    const after = optionalEntryId(request.after);
    const teamId = await this.backups.teamOf(backupId);
    const check = (who: Caller) => this.access.requireForResource(who, teamId ?? undefined, Ability.Read, this.backups.noun);
    await check(caller);
    return { topic: LiveTopics.backup(backupId), after: after ?? '0', recheck: check };
  }

  private async restore(caller: Caller, request: LiveRequestOf<'restore'>): Promise<LiveSubscription> {
    const restoreId = requireUuid(request.restoreId, 'restoreId');
    const after = optionalEntryId(request.after);
    const teamId = await this.restores.teamOf(restoreId);
    const check = (who: Caller) => this.access.requireForResource(who, teamId ?? undefined, Ability.Read, this.restores.noun);
    await check(caller);
    return { topic: LiveTopics.restore(restoreId), after: after ?? '0', recheck: check };
  }
}
