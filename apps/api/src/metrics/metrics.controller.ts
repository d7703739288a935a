import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ability, type AlertEventDto, type AlertRuleDto, type Paginated, type ServerMetricsDto, TEAM_HEADER } from '@zpanel/contracts';
import { ServersRepository } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { UuidParam } from '../access/team-params';
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

/** A server's samples, alert rules and alerts. The worker checks the server and writes them. */
@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('servers/:serverId')
export class ServerMonitoringController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly servers: ServersRepository,
    private readonly metrics: ServerMetricsService,
    private readonly rules: AlertRulesService,
  ) {}

  @Get('metrics')
  @ApiOperation({ summary: 'Samples of the server: raw for 1h, 1-minute averages for 24h, 10-minute averages for 7d (oldest first)' })
  @ApiOkResponse({ type: ServerMetricsDoc })
  async getMetrics(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') serverId: string,
    @Query() query: MetricsQueryDto,
  ): Promise<ServerMetricsDto> {
    const { team } = await this.access.requireFor(caller, this.servers, serverId, Ability.Read);
    return this.metrics.metrics(team, serverId, query.range ?? '1h');
  }

  @Get('alert-rules')
  @ApiOperation({ summary: "The server's alert rules (every server starts with disk > 80 %, memory > 90 % for 5 min, and unreachable)" })
  @ApiOkResponse({ type: AlertRulePageDoc })
  async listRules(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') serverId: string,
    @Query() query: PageQueryDto,
  ): Promise<Paginated<AlertRuleDto>> {
    const { team } = await this.access.requireFor(caller, this.servers, serverId, Ability.Read);
    return this.rules.list(team, serverId, query);
  }

  @Post('alert-rules')
  @ApiOperation({
    summary: 'Add an alert rule: an alert opens when the figure crosses the threshold for the whole duration, and resolves when it is back',
  })
  @ApiCreatedResponse({ type: AlertRuleDoc })
  async createRule(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') serverId: string,
    @Body() body: CreateAlertRuleDto,
  ): Promise<AlertRuleDto> {
    const { team } = await this.access.requireFor(caller, this.servers, serverId, Ability.Write);
    return this.rules.create(caller, team, serverId, body);
  }

  @Patch('alert-rules/:ruleId')
  @ApiOperation({
    summary: 'Change an alert rule (an open alert resolves at the next check if the figure is fine under the new rule, or the rule is off)',
  })
  @ApiOkResponse({ type: AlertRuleDoc })
  async updateRule(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') serverId: string,
    @UuidParam('ruleId') ruleId: string,
    @Body() body: UpdateAlertRuleDto,
  ): Promise<AlertRuleDto> {
    const { team } = await this.access.requireFor(caller, this.servers, serverId, Ability.Write);
    return this.rules.update(caller, team, serverId, ruleId, body);
  }

  @Delete('alert-rules/:ruleId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an alert rule and its alerts' })
  @ApiNoContentResponse()
  async deleteRule(@CurrentCaller() caller: Caller, @UuidParam('serverId') serverId: string, @UuidParam('ruleId') ruleId: string): Promise<void> {
    const { team } = await this.access.requireFor(caller, this.servers, serverId, Ability.Write);
    await this.rules.delete(caller, team, serverId, ruleId);
  }

  @Get('alerts')
  @ApiOperation({ summary: "The server's alerts, newest first" })
  @ApiOkResponse({ type: AlertEventPageDoc })
  async listAlerts(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') serverId: string,
    @Query() query: AlertsQueryDto,
  ): Promise<Paginated<AlertEventDto>> {
    const { team } = await this.access.requireFor(caller, this.servers, serverId, Ability.Read);
    return this.metrics.alerts(team, { serverId }, query);
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
  @ApiOperation({
    summary: "The team's alerts, newest first (state=open for what needs attention now)",
    description:
      "Every server's alerts (kind metric) and the backup schedules' missed backups (kind backup_missed; the instance's own schedules' are in the first team's list).",
  })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: AlertEventPageDoc })
  async list(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Query() query: AlertsQueryDto): Promise<Paginated<AlertEventDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Read);
    return this.metrics.alerts(team, {}, query);
  }
}
