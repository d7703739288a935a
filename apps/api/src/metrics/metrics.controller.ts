import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ability, type AlertEventDto, type AlertRuleDto, type Paginated, type ServerMetricsDto, TEAM_HEADER } from '@zpanel/contracts';
import { type Caller, CurrentCaller } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { uuidParam } from '../access/team-params';
import { AlertRulesService } from './alert-rules.service';
import {
  AlertEventPageDoc,
  AlertRuleDoc,
  AlertRulePageDoc,
  AlertsQueryDto,
  CreateAlertRuleDto,
  MetricsQueryDto,
  ServerMetricsDoc,
  UpdateAlertRuleDto,
} from './metrics.dto';
import { ServerMetricsService } from './server-metrics.service';
import { ServersService } from '../servers/servers.service';

/** A server's samples, alert rules and alerts. The worker checks the server and writes them. */
@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('servers/:serverId')
export class ServerMonitoringController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly servers: ServersService,
    private readonly metrics: ServerMetricsService,
    private readonly rules: AlertRulesService,
  ) {}

  /** The server's team, after checking the caller may act in it (another team's server is a 404). */
  private async teamOf(caller: Caller, serverId: string, ability: Ability): Promise<string> {
    const teamId = await this.servers.teamOf(serverId);
    await this.access.requireForResource(caller, teamId, ability, 'server');
    return teamId as string;
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Samples of the server: raw for 1h, 1-minute averages for 24h, 10-minute averages for 7d (oldest first)' })
  @ApiOkResponse({ type: ServerMetricsDoc })
  async getMetrics(
    @CurrentCaller() caller: Caller,
    @Param('serverId', uuidParam('serverId')) serverId: string,
    @Query() query: MetricsQueryDto,
  ): Promise<ServerMetricsDto> {
    await this.teamOf(caller, serverId, Ability.Read);
    return this.metrics.metrics(serverId, query.range ?? '1h');
  }

  @Get('alert-rules')
  @ApiOperation({ summary: "The server's alert rules (every server starts with disk > 80 %, memory > 90 % for 5 min, and unreachable)" })
  @ApiOkResponse({ type: AlertRulePageDoc })
  async listRules(
    @CurrentCaller() caller: Caller,
    @Param('serverId', uuidParam('serverId')) serverId: string,
    @Query() query: PageQueryDto,
  ): Promise<Paginated<AlertRuleDto>> {
    await this.teamOf(caller, serverId, Ability.Read);
    return this.rules.list(serverId, query);
  }

  @Post('alert-rules')
  @ApiOperation({
    summary: 'Add an alert rule: an alert opens when the figure crosses the threshold for the whole duration, and resolves when it is back',
  })
  @ApiCreatedResponse({ type: AlertRuleDoc })
  async createRule(
    @CurrentCaller() caller: Caller,
    @Param('serverId', uuidParam('serverId')) serverId: string,
    @Body() body: CreateAlertRuleDto,
  ): Promise<AlertRuleDto> {
    const teamId = await this.teamOf(caller, serverId, Ability.Write);
    return this.rules.create(caller, { id: serverId, teamId }, body);
  }

  @Patch('alert-rules/:ruleId')
  @ApiOperation({
    summary: 'Change an alert rule (an open alert resolves at the next check if the figure is fine under the new rule, or the rule is off)',
  })
  @ApiOkResponse({ type: AlertRuleDoc })
  async updateRule(
    @CurrentCaller() caller: Caller,
    @Param('serverId', uuidParam('serverId')) serverId: string,
    @Param('ruleId', uuidParam('ruleId')) ruleId: string,
    @Body() body: UpdateAlertRuleDto,
  ): Promise<AlertRuleDto> {
    await this.teamOf(caller, serverId, Ability.Write);
    return this.rules.update(caller, serverId, ruleId, body);
  }

  @Delete('alert-rules/:ruleId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an alert rule and its alerts' })
  @ApiNoContentResponse()
  async deleteRule(
    @CurrentCaller() caller: Caller,
    @Param('serverId', uuidParam('serverId')) serverId: string,
    @Param('ruleId', uuidParam('ruleId')) ruleId: string,
  ): Promise<void> {
    await this.teamOf(caller, serverId, Ability.Write);
    await this.rules.delete(caller, serverId, ruleId);
  }

  @Get('alerts')
  @ApiOperation({ summary: "The server's alerts, newest first" })
  @ApiOkResponse({ type: AlertEventPageDoc })
  async listAlerts(
    @CurrentCaller() caller: Caller,
    @Param('serverId', uuidParam('serverId')) serverId: string,
    @Query() query: AlertsQueryDto,
  ): Promise<Paginated<AlertEventDto>> {
    await this.teamOf(caller, serverId, Ability.Read);
    return this.metrics.alerts({ serverId }, query);
  }
}

@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('alerts')
export class TeamAlertsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly metrics: ServerMetricsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Alerts of every server of the team, newest first (state=open for what needs attention now)' })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: AlertEventPageDoc })
  async list(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Query() query: AlertsQueryDto): Promise<Paginated<AlertEventDto>> {
    await this.access.require(caller, teamId, Ability.Read);
    return this.metrics.alerts({ teamId }, query);
  }
}
