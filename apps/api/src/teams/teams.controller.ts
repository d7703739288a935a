import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Paginated, TeamMembershipDto } from '@zpanel/contracts';
import { CurrentUser, type UserCaller } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { CreateTeamDto, TeamMembershipDoc, TeamMembershipPageDoc } from './teams.dto';
import { TeamsService } from './teams.service';

@ApiTags('teams')
@ApiBearerAuth()
@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @ApiOperation({ summary: 'Teams the caller belongs to, with their role' })
  @ApiOkResponse({ type: TeamMembershipPageDoc })
  list(@CurrentUser() caller: UserCaller, @Query() query: PageQueryDto): Promise<Paginated<TeamMembershipDto>> {
    return this.teams.listForUser(caller.userId, query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a team; the caller becomes its owner' })
  @ApiCreatedResponse({ type: TeamMembershipDoc })
  create(@CurrentUser() caller: UserCaller, @Body() body: CreateTeamDto): Promise<TeamMembershipDto> {
    return this.teams.create(caller.userId, body.name);
  }
}
