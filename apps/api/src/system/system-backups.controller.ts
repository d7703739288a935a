import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { BackupDto, BackupWithLogDto, InstanceBackupAccessDto, Paginated } from '@zpanel/contracts';
import { type Caller, CurrentCaller } from '../access/caller';
import { InstanceOperatorsService } from '../access/instance-operators.service';
import { UuidParam } from '../access/team-params';
import { BackUpNowDto, BackupDoc, BackupPageDoc, BackupWithLogDoc } from '../backups/backups.dto';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { PageQueryDto } from '../http/pagination';
import { InstanceBackupAccessResponseDto } from './system-backups.dto';
import { SystemBackupsService } from './system-backups.service';

const NOT_AN_OPERATOR = "Not an owner of the instance's first team (or a token without admin)";

/**
 * Backups of Zpanel's own PostgreSQL (docs/backups.md, "Instance backups"), for the instance's
 * operators: the owners of its first team (InstanceOperatorsService). Routes: INSTANCE_BACKUP_ROUTES.
 */
@ApiTags('system')
@ApiBearerAuth()
@Controller('system/backups')
export class SystemBackupsController {
  constructor(
    private readonly operators: InstanceOperatorsService,
    private readonly backups: SystemBackupsService,
  ) {}

  @Get('access')
  @ApiOperation({ summary: 'Whether the caller may manage instance backups, and which team’s destinations they go to' })
  @ApiOkResponse({ type: InstanceBackupAccessResponseDto })
  access(@CurrentCaller() caller: Caller): Promise<InstanceBackupAccessDto> {
    return this.operators.access(caller);
  }

  @Get()
  @ApiOperation({ summary: "The instance's backups, newest first" })
  @ApiOkResponse({ type: BackupPageDoc })
  @ApiForbiddenResponse({ type: ProblemResponseDto, description: NOT_AN_OPERATOR })
  async list(@CurrentCaller() caller: Caller, @Query() query: PageQueryDto): Promise<Paginated<BackupDto>> {
    await this.operators.require(caller);
    return this.backups.list(query);
  }

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: "Back up Zpanel's own database now, to one of the first team's destinations" })
  @ApiAcceptedResponse({ type: BackupDoc, description: 'Queued; the worker dumps, stores and verifies it' })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: "destinationId is not one of the first team's destinations" })
  @ApiForbiddenResponse({ type: ProblemResponseDto, description: NOT_AN_OPERATOR })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'An instance backup is already queued or running' })
  async backUpNow(@CurrentCaller() caller: Caller, @Body() body: BackUpNowDto): Promise<BackupDto> {
    return this.backups.backUpNow(caller, await this.operators.require(caller), body);
  }

  @Get(':instanceBackupId')
  @ApiOperation({ summary: 'An instance backup with its log' })
  @ApiOkResponse({ type: BackupWithLogDoc })
  @ApiForbiddenResponse({ type: ProblemResponseDto, description: NOT_AN_OPERATOR })
  @ApiNotFoundResponse({ type: ProblemResponseDto, description: 'No such instance backup' })
  async get(@CurrentCaller() caller: Caller, @UuidParam('instanceBackupId') id: string): Promise<BackupWithLogDto> {
    await this.operators.require(caller);
    return this.backups.get(id);
  }
}
