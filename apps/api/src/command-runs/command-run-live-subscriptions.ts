import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Ability, LiveTopics } from '@zpanel/contracts';
import { CommandRunsRepository } from '@zpanel/database';
import type { Caller } from '../access/caller';
import { type LiveRequestOf, LiveRegistry, type LiveSubscription, optionalEntryId, requireUuid } from '../live/live-registry';
import { TeamAccessService } from '../access/team-access.service';

/** `command-run`: a run's output and outcome, replayed from the start (or after `after`), then live. */
@Injectable()
export class CommandRunLiveSubscriptions implements OnModuleInit {
  constructor(
    private readonly registry: LiveRegistry,
    private readonly access: TeamAccessService,
    private readonly runs: CommandRunsRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register('command-run', { authorize: (caller, request) => this.commandRun(caller, request) });
  }

  private async commandRun(caller: Caller, request: LiveRequestOf<'command-run'>): Promise<LiveSubscription> {
    const runId = requireUuid(request.runId, 'runId');
    const after = optionalEntryId(request.after);
    // Output may hold secrets: the same ability as reading the run over REST.
    const teamId = await this.runs.teamOf(runId);
    const check = (who: Caller) => this.access.requireForResource(who, teamId, Ability.Admin, this.runs.noun);
    await check(caller);
    return { topic: LiveTopics.commandRun(runId), after: after ?? '0', recheck: check };
  }
}
