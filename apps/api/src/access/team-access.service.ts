import { Injectable } from '@nestjs/common';
import { Ability, ErrorCode, ROLE_ABILITIES, type Role } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { TeamMembersRepository, type TeamOwnedRepository, type TeamScope, teamScope } from '@zpanel/database';
import type { Caller } from './caller';

export interface TeamActor {
  userId: string;
  /** The person's role, or the token creator's role. */
  role: Role;
  abilities: readonly Ability[];
  /** The checked team, which team-owned repositories take. */
  team: TeamScope;
}

const noSuchTeam = () => new AppException(ErrorCode.NotFound, 'No such team');

/**
 * The one gate in front of every team-owned resource. A team the caller is not in (or, for an API
 * token, any team but the token's own) does not exist for them: 404, never 403, which would
 * confirm that it exists. Within the team, a missing ability is 403.
 */
@Injectable()
export class TeamAccessService {
  constructor(private readonly members: TeamMembersRepository) {}

  async require(caller: Caller, teamId: string, ability: Ability): Promise<TeamActor> {
    return this.check(caller, teamId, ability, noSuchTeam);
  }

  /**
   * For a row reached by its own id (`/servers/{id}`): a missing row and a row of a team the caller
   * is not in give the very same 404, so ids of other teams cannot be probed.
   */
  async requireForResource(caller: Caller, teamId: string | undefined, ability: Ability, what: string): Promise<TeamActor> {
    const notFound = () => new AppException(ErrorCode.NotFound, `No such ${what}`);
    if (!teamId) throw notFound();
    return this.check(caller, teamId, ability, notFound);
  }

  /** `requireForResource` for a row of a team-owned repository: its owner is looked up there. */
  async requireFor(
    caller: Caller,
    repository: Pick<TeamOwnedRepository<{ id: string; teamId: string }>, 'teamOf' | 'noun'>,
    id: string,
    ability: Ability,
  ): Promise<TeamActor> {
    return this.requireForResource(caller, await repository.teamOf(id), ability, repository.noun);
  }

  private async check(caller: Caller, teamId: string, ability: Ability, notFound: () => AppException): Promise<TeamActor> {
    if (caller.kind === 'token' && caller.teamId !== teamId) throw notFound();
    const membership = await this.members.membershipFor(teamId, caller.userId);
    if (!membership) throw notFound();
    const roleAbilities = ROLE_ABILITIES[membership.role];
    const abilities = caller.kind === 'token' ? caller.abilities.filter((a) => roleAbilities.includes(a)) : roleAbilities;
    if (!abilities.includes(ability)) {
      throw new AppException(
        ErrorCode.Forbidden,
        caller.kind === 'token'
          ? `This API token lacks the ${ability} ability`
          : `Your role (${membership.role}) does not allow this (needs ${ability})`,
      );
    }
    return { userId: caller.userId, role: membership.role, abilities, team: teamScope(teamId) };
  }
}
