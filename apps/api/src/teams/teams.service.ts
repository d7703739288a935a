import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PageQuery, Paginated, TeamMembershipDto } from '@zpanel/contracts';
import { TeamMembersRepository } from '@zpanel/database';
import { DataSource } from 'typeorm';
import { AuthService } from '../auth/auth.service';
import { pageWindow, paginated } from '../http/pagination';

@Injectable()
export class TeamsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly members: TeamMembersRepository,
    private readonly auth: AuthService,
  ) {}

  /** The caller's own teams: a user never lists teams they are not in. */
  async listForUser(userId: string, query: PageQuery): Promise<Paginated<TeamMembershipDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.members.pageTeamsOf(userId, { skip: window.skip, take: window.perPage });
    return paginated(
      rows.map(({ membership, team }) => ({
        teamId: team.id,
        teamName: team.name,
        role: membership.role,
        joinedAt: membership.createdAt.toISOString(),
      })),
      total,
      window,
    );
  }

  /** Any user may create a team; they become its owner. */
  async create(userId: string, name: string): Promise<TeamMembershipDto> {
    const { team, membership } = await this.dataSource.transaction((manager) => this.auth.createTeamFor(manager, userId, name));
    return { teamId: team.id, teamName: team.name, role: membership.role, joinedAt: membership.createdAt.toISOString() };
  }
}
