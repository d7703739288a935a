import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ability, type AuditEventDto, type Paginated, TEAM_HEADER } from '@zpanel/contracts';
import { type Caller, CurrentCaller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { AuditEventPageDoc, AuditEventQueryDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-events')
export class AuditController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The team's audit log, newest first (admins), including its members' sign-ins and 2FA changes" })
  @ApiHeader({ name: TEAM_HEADER, required: true, description: 'Team id' })
  @ApiOkResponse({ type: AuditEventPageDoc })
  async list(
    @CurrentCaller() caller: Caller,
    @TeamFromHeader() teamId: string,
    @Query() query: AuditEventQueryDto,
  ): Promise<Paginated<AuditEventDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Admin);
    return this.audit.list(team, query);
  }
}
