import { Injectable } from '@nestjs/common';
import { Ability, ErrorCode, type InstanceBackupAccessDto, Role } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { TeamMembersRepository, type TeamScope, TeamsRepository, teamScope } from '@zpanel/database';
import type { Caller } from './caller';

/** An instance operator, checked: the first team (whose destinations instance backups use) and who acts. */
export interface InstanceOperator {
  userId: string;
  /** The instance's first team, checked: its destinations are where instance backups go. */
  team: TeamScope;
  teamName: string;
}

/**
 * The gate in front of what belongs to the instance rather than to a team (instance backups, which
 * hold every team's data). There is no instance-wide role: the operators are the owners of the
 * instance's first team, the one created with the owner account at setup. An API token passes only
 * when it is that team's, holds `admin`, and its creator is still an owner. Everyone else gets 403
 * in words: the System page is shown to every signed-in person, so the routes are no secret.
 */
@Injectable()
export class InstanceOperatorsService {
  constructor(
    private readonly teams: TeamsRepository,
    private readonly members: TeamMembersRepository,
  ) {}

  async access(caller: Caller): Promise<InstanceBackupAccessDto> {
    const team = await this.teams.first();
    if (!team) return { allowed: false, teamId: null, teamName: null, reason: 'No team exists yet: finish the setup first' };
    const denied = (reason: string): InstanceBackupAccessDto => ({ allowed: false, teamId: team.id, teamName: team.name, reason });
    const membership = await this.members.membershipFor(team.id, caller.userId);
    if (membership?.role !== Role.Owner) {
      return denied(`Instance backups are managed by the owners of ${team.name}, the instance's first team`);
    }
    if (caller.kind === 'token') {
      if (caller.teamId !== team.id) return denied(`Instance backups take an API token of ${team.name}, the instance's first team`);
      if (!caller.abilities.includes(Ability.Admin)) return denied(`This API token lacks the ${Ability.Admin} ability`);
    }
    return { allowed: true, teamId: team.id, teamName: team.name, reason: null };
  }

  /** The operator behind the caller, or 403 saying who may. */
  async require(caller: Caller): Promise<InstanceOperator> {
    const access = await this.access(caller);
    if (!access.allowed || !access.teamId || !access.teamName)
      throw new AppException(ErrorCode.Forbidden, access.reason ?? 'Not an instance operator');
    return { userId: caller.userId, team: teamScope(access.teamId), teamName: access.teamName };
  }

  /**
   * The operator, for a route that names one of the instance's rows (a schedule, a backup's download):
   * to anyone else that row does not exist, the same 404 as an unknown id (the tenancy rule), while
   * the collections keep their 403 in words for the System page.
   */
  async requireOrNotFound(caller: Caller, noun: string): Promise<InstanceOperator> {
    const access = await this.access(caller);
    if (!access.allowed || !access.teamId || !access.teamName) throw new AppException(ErrorCode.NotFound, `No such ${noun}`);
    return { userId: caller.userId, team: teamScope(access.teamId), teamName: access.teamName };
  }
}
