import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { Ability, type BackupScheduleDto, type Paginated, TEAM_HEADER } from '@zpanel/contracts';
import { BackupSchedulesRepository, type TeamScope } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { UuidParam } from '../access/team-params';
import { ProblemResponseDto } from '../http/problem-response.dto';
import {
  BackupScheduleDoc,
  BackupScheduleListQueryDto,
  BackupSchedulePageDoc,
  CreateBackupScheduleDto,
  UpdateBackupScheduleDto,
} from './backup-schedules.dto';
import { BackupSchedulesService } from './backup-schedules.service';
import { TeamResourceApi } from '../http/team-resource-api';

const INVALID =
  'A field failed its rule: the cron expression, the time zone, retention (at least one), or an id that is not the team’s (errors name each field)';

/** When a team's databases and volumes are backed up (docs/backups.md, "Schedules"): reading needs `read`, changing `write`. */
@TeamResourceApi('backups', 'No such backup schedule (or one of another team)')
@Controller('backup-schedules')
export class BackupSchedulesController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly schedules: BackupSchedulesService,
    private readonly rows: BackupSchedulesRepository,
  ) {}

  private async authorize(caller: Caller, id: string, ability: Ability): Promise<TeamScope> {
    return (await this.access.requireFor(caller, this.rows, id, ability)).team;
  }

  @Get()
  @ApiOperation({ summary: "The team's backup schedules, oldest first, optionally of one database or volume" })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: BackupSchedulePageDoc })
  async list(
    @CurrentCaller() caller: Caller,
    @TeamFromHeader() teamId: string,
    @Query() query: BackupScheduleListQueryDto,
  ): Promise<Paginated<BackupScheduleDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Read);
    return this.schedules.list(team, query);
  }

  @Post()
  @ApiOperation({
    summary: 'Schedule backups of a database or an application volume',
    description:
      'Exactly one of databaseId and volumeId, and a destination of the same team; `cron` is required. The next slot is computed now. Audited.',
  })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiCreatedResponse({ type: BackupScheduleDoc })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: INVALID })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The team has 200 schedules' })
  async create(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Body() body: CreateBackupScheduleDto): Promise<BackupScheduleDto> {
    const { team } = await this.access.require(caller, teamId, Ability.Write);
    return this.schedules.create(caller, team, body);
  }

  @Get(':scheduleId')
  @ApiOperation({ summary: 'One backup schedule, with its expression in words and its next slot' })
  @ApiOkResponse({ type: BackupScheduleDoc })
  async get(@CurrentCaller() caller: Caller, @UuidParam('scheduleId') id: string): Promise<BackupScheduleDto> {
    return this.schedules.get(await this.authorize(caller, id, Ability.Read), id);
  }

  @Patch(':scheduleId')
  @ApiOperation({
    summary: 'Change a schedule (not its source)',
    description: 'Only what is sent changes; a new expression, time zone or re-enabling computes the next slot from now. Audited.',
  })
  @ApiOkResponse({ type: BackupScheduleDoc })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: INVALID })
  async update(
    @CurrentCaller() caller: Caller,
    @UuidParam('scheduleId') id: string,
    @Body() body: UpdateBackupScheduleDto,
  ): Promise<BackupScheduleDto> {
    return this.schedules.update(caller, await this.authorize(caller, id, Ability.Write), id, body);
  }

  @Delete(':scheduleId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a schedule; its backups stay', description: 'Audited.' })
  @ApiNoContentResponse()
  async remove(@CurrentCaller() caller: Caller, @UuidParam('scheduleId') id: string): Promise<void> {
    await this.schedules.remove(caller, await this.authorize(caller, id, Ability.Write), id);
  }
}
