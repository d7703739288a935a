import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Ability, LiveTopics } from '@zpanel/contracts';
import { DatabaseOperationsRepository } from '@zpanel/database';
import type { Caller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { type LiveRequestOf, LiveRegistry, type LiveSubscription, optionalEntryId, requireUuid } from '../live/live-registry';

/** `database-operation`: an operation's log lines and status, replayed from the start (or after `after`), then live. */
@Injectable()
export class DatabaseOperationLiveSubscriptions implements OnModuleInit {
  constructor(
    private readonly registry: LiveRegistry,
    private readonly access: TeamAccessService,
    private readonly operations: DatabaseOperationsRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register('database-operation', { authorize: (caller, request) => this.operation(caller, request) });
  }

  private async operation(caller: Caller, request: LiveRequestOf<'database-operation'>): Promise<LiveSubscription> {
    const operationId = requireUuid(request.operationId, 'operationId');
    const after = optionalEntryId(request.after);
    // The same ability as reading the operation and its log over REST (passwords are redacted from it).
    const teamId = await this.operations.teamOf(operationId);
    const check = (who: Caller) => this.access.requireForResource(who, teamId, Ability.Read, this.operations.noun);
    await check(caller);
    return { topic: LiveTopics.databaseOperation(operationId), after: after ?? '0', recheck: check };
  }
}
