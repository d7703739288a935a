import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditAction, type PageQuery, type Paginated, Role, type TeamMembershipDto } from '@zpanel/contracts';
import { type TeamEntity, type TeamMemberEntity, TeamMembersRepository, TeamsRepository, teamScope } from '@zpanel/database';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { pageWindow, paginated } from '../http/pagination';

export function toTeamMembershipDto({ membership, team }: { membership: TeamMemberEntity; team: TeamEntity }): TeamMembershipDto {
  return { teamId: team.id, teamName: team.name, role: membership.role, joinedAt: membership.createdAt.toISOString() };
}

@Injectable()
export class TeamsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly teams: TeamsRepository,
    private readonly members: TeamMembersRepository,
    private readonly audit: AuditService,
  ) {}

  /** The caller's own teams: a user never lists teams they are not in. */
  async listForUser(userId: string, query: PageQuery): Promise<Paginated<TeamMembershipDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.members.pageTeamsOf(userId, { skip: window.skip, take: window.perPage });
    return paginated(rows.map(toTeamMembershipDto), total, window);
  }

  /** Every team of the user, by name (their profile). */
  async allForUser(userId: string): Promise<TeamMembershipDto[]> {
    return (await this.members.teamsOf(userId)).map(toTeamMembershipDto);
  }

  /** Any user may create a team; they become its owner. */
  async create(userId: string, name: string): Promise<TeamMembershipDto> {
    return toTeamMembershipDto(await this.dataSource.transaction((manager) => this.createTeamFor(manager, userId, name)));
  }

  /** A new team with `userId` as its owner, inside the caller's transaction (also first-run setup's). */
  async createTeamFor(manager: EntityManager, userId: string, name: string): Promise<{ team: TeamEntity; membership: TeamMemberEntity }> {
    const team = await this.teams.in(manager).create(name);
    // The team was made just now, by this user: there is no access to check yet.
    const membership = await this.members.in(manager).add(teamScope(team.id), userId, Role.Owner);
    await this.audit.record({ action: AuditAction.TeamCreated, teamId: team.id, actor: { kind: 'user', userId }, metadata: { name } }, manager);
    return { team, membership };
  }
}
