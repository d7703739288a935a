import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { BackupScheduleDto, Paginated } from '@zpanel/contracts';
import { type Caller, CurrentCaller } from '../access/caller';
import { InstanceOperatorsService } from '../access/instance-operators.service';
import { UuidParam } from '../access/team-params';
import {
  BackupScheduleDoc,
  BackupSchedulePageDoc,
  CreateInstanceBackupScheduleDto,
  UpdateInstanceBackupScheduleDto,
} from '../backups/backup-schedules.dto';
import { BackupSchedulesService } from '../backups/backup-schedules.service';
import { PageQueryDto } from '../http/pagination';
import { ProblemResponseDto } from '../http/problem-response.dto';

const NOT_AN_OPERATOR = "Not an owner of the instance's first team (or a token without admin)";
const INVALID =
  "A field failed its rule: the cron expression, the time zone, retention (at least one), or a destination that is not the first team's (errors name each field)";
const NO_SUCH = 'No such instance backup schedule; also what anyone but an instance operator gets';

/**
 * When Zpanel's own PostgreSQL is backed up (docs/backups.md, "Instance backups"): the team schedules'
 * rules and service, with the instance as the source and the first team's destinations. Registered
 * before SystemBackupsController, whose `:instanceBackupId` would otherwise take `schedules`.
 */
@ApiTags('system')
@ApiBearerAuth()
@Controller('system/backups/schedules')
export class SystemBackupSchedulesController {
  constructor(
    private readonly operators: InstanceOperatorsService,
    private readonly schedules: BackupSchedulesService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The instance's backup schedules, oldest first" })
  @ApiOkResponse({ type: BackupSchedulePageDoc })
  @ApiForbiddenResponse({ type: ProblemResponseDto, description: NOT_AN_OPERATOR })
  async list(@CurrentCaller() caller: Caller, @Query() query: PageQueryDto): Promise<Paginated<BackupScheduleDto>> {
    await this.operators.require(caller);
    return this.schedules.listInstance(query);
  }

  @Post()
  @ApiOperation({
    summary: "Schedule backups of Zpanel's own database",
    description:
      "To one of the first team's destinations; `cron` is required and read in `timezone`. The next slot is computed now; the worker's schedules tick runs it like a team's schedule. Audited in the first team's log.",
  })
  @ApiCreatedResponse({ type: BackupScheduleDoc })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: INVALID })
  @ApiForbiddenResponse({ type: ProblemResponseDto, description: NOT_AN_OPERATOR })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The instance has 200 schedules' })
  async create(@CurrentCaller() caller: Caller, @Body() body: CreateInstanceBackupScheduleDto): Promise<BackupScheduleDto> {
    return this.schedules.createInstance(caller, await this.operators.require(caller), body);
  }

  @Get(':scheduleId')
  @ApiOperation({ summary: 'One instance backup schedule, with its expression in words and its next slot' })
  @ApiOkResponse({ type: BackupScheduleDoc })
  @ApiNotFoundResponse({ type: ProblemResponseDto, description: NO_SUCH })
  async get(@CurrentCaller() caller: Caller, @UuidParam('scheduleId') id: string): Promise<BackupScheduleDto> {
    await this.operators.requireOrNotFound(caller, 'backup schedule');
    return this.schedules.getInstance(id);
  }

  @Patch(':scheduleId')
  @ApiOperation({
    summary: 'Change an instance backup schedule',
    description: 'Only what is sent changes; a new expression, time zone or re-enabling computes the next slot from now. Audited.',
  })
  @ApiOkResponse({ type: BackupScheduleDoc })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: INVALID })
  @ApiNotFoundResponse({ type: ProblemResponseDto, description: NO_SUCH })
  async update(
    @CurrentCaller() caller: Caller,
    @UuidParam('scheduleId') id: string,
    @Body() body: UpdateInstanceBackupScheduleDto,
  ): Promise<BackupScheduleDto> {
    return this.schedules.updateInstance(caller, await this.operators.requireOrNotFound(caller, 'backup schedule'), id, body);
  }

  @Delete(':scheduleId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an instance backup schedule; its backups stay', description: 'Audited.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemResponseDto, description: NO_SUCH })
  async remove(@CurrentCaller() caller: Caller, @UuidParam('scheduleId') id: string): Promise<void> {
    await this.schedules.removeInstance(caller, await this.operators.requireOrNotFound(caller, 'backup schedule'), id);
  }
}
