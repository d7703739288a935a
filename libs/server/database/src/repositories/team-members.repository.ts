import { Role } from '@zpanel/contracts';
import type { EntityTarget } from 'typeorm';
import { TeamEntity, TeamMemberEntity, UserEntity } from '../entities';
import { EntityRepository, type PageWindow } from './entity-repository';
import type { TeamScope } from './team-scope';

export interface MemberWithUser {
  membership: TeamMemberEntity;
  user: UserEntity;
}

export interface MembershipWithTeam {
  membership: TeamMemberEntity;
  team: TeamEntity;
}

/** Who is in which team with which role. Keyed by (team, user); a team's rows take its TeamScope. */
export class TeamMembersRepository extends EntityRepository<TeamMemberEntity> {
  protected readonly target: EntityTarget<TeamMemberEntity> = TeamMemberEntity;

  /**
   * The membership behind an access check, by a team id that is not checked yet: for the access
   * gate, which makes the TeamScope from it, and for credentials bound to a team (API tokens).
   */
  membershipFor(teamId: string, userId: string): Promise<TeamMemberEntity | null> {
    return this.rows.findOneBy({ teamId, userId });
  }

  find(team: TeamScope, userId: string): Promise<TeamMemberEntity | null> {
    return this.rows.findOneBy({ teamId: team.teamId, userId });
  }

  isMember(team: TeamScope, userId: string): Promise<boolean> {
    return this.rows.existsBy({ teamId: team.teamId, userId });
  }

  /** Whether an account with this email (any case) is in the team. */
  hasMemberWithEmail(team: TeamScope, email: string): Promise<boolean> {
    return this.rows
      .createQueryBuilder('m')
      .innerJoin(UserEntity, 'u', 'u.id = m.user_id')
      .where('m.team_id = :teamId AND lower(u.email) = lower(:email)', { teamId: team.teamId, email })
      .getExists();
  }

  add(team: TeamScope, userId: string, role: Role): Promise<TeamMemberEntity> {
    return this.rows.save({ teamId: team.teamId, userId, role });
  }

  async setRole(team: TeamScope, userId: string, role: Role): Promise<void> {
    await this.rows.update({ teamId: team.teamId, userId }, { role });
  }

  async remove(team: TeamScope, userId: string): Promise<void> {
    await this.rows.delete({ teamId: team.teamId, userId });
  }

  countOwners(team: TeamScope): Promise<number> {
    return this.rows.countBy({ teamId: team.teamId, role: Role.Owner });
  }

  /** The user ids of the team's current owners (the audience of a notice to owners). */
  async ownerIds(team: TeamScope): Promise<string[]> {
    const rows = await this.rows.find({ where: { teamId: team.teamId, role: Role.Owner }, select: { userId: true }, order: { userId: 'ASC' } });
    return rows.map((row) => row.userId);
  }

  /** The team's members with their accounts, by name. */
  async pageWithUsers(team: TeamScope, window: PageWindow): Promise<[MemberWithUser[], number]> {
    const [rows, total] = await this.rows
      .createQueryBuilder('m')
      .innerJoinAndMapOne('m.user', UserEntity, 'u', 'u.id = m.user_id')
      .where('m.team_id = :teamId', { teamId: team.teamId })
      .orderBy('u.name', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .skip(window.skip)
      .take(window.take)
      .getManyAndCount();
    return [rows.map((m) => ({ membership: m, user: (m as TeamMemberEntity & { user: UserEntity }).user })), total];
  }

  /** A user's own teams, by name: a user never lists teams they are not in. */
  async pageTeamsOf(userId: string, window: PageWindow): Promise<[MembershipWithTeam[], number]> {
    const [rows, total] = await this.teamsOfQuery(userId).addOrderBy('t.id', 'ASC').skip(window.skip).take(window.take).getManyAndCount();
    return [rows.map(withTeam), total];
  }

  /** All of a user's teams, by name. */
  async teamsOf(userId: string): Promise<MembershipWithTeam[]> {
    return (await this.teamsOfQuery(userId).getMany()).map(withTeam);
  }

  /** How many of the user's teams `ownerId` does not own: a password reset needs none. */
  countTeamsNotOwnedBy(userId: string, ownerId: string): Promise<number> {
    return this.rows
      .createQueryBuilder('m')
      .where('m.user_id = :userId', { userId })
      .andWhere(`NOT EXISTS (SELECT 1 FROM team_members o WHERE o.team_id = m.team_id AND o.user_id = :ownerId AND o.role = 'owner')`, { ownerId })
      .getCount();
  }

  private teamsOfQuery(userId: string) {
    return this.rows
      .createQueryBuilder('m')
      .innerJoinAndMapOne('m.team', TeamEntity, 't', 't.id = m.team_id')
      .where('m.user_id = :userId', { userId })
      .orderBy('t.name', 'ASC');
  }
}

const withTeam = (m: TeamMemberEntity): MembershipWithTeam => ({ membership: m, team: (m as TeamMemberEntity & { team: TeamEntity }).team });
