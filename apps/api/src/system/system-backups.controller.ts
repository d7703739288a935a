import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { BackupDownloadDto, BackupDto, BackupWithLogDto, InstanceBackupAccessDto, Paginated } from '@zpanel/contracts';
import type { Response } from 'express';
import { type Caller, CurrentCaller, Public } from '../access/caller';
import { InstanceOperatorsService } from '../access/instance-operators.service';
import { UuidParam } from '../access/team-params';
import { BackupTransfersService, signedDownloadFile } from '../backups/backup-transfers.service';
import { BackUpNowDto, BackupDoc, BackupDownloadDoc, BackupPageDoc, BackupWithLogDoc } from '../backups/backups.dto';
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
    private readonly transfers: BackupTransfersService,
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
  @ApiNotFoundResponse({ type: ProblemResponseDto, description: 'No such instance backup; also what anyone but an instance operator gets' })
  async get(@CurrentCaller() caller: Caller, @UuidParam('instanceBackupId') id: string): Promise<BackupWithLogDto> {
    await this.operators.requireOrNotFound(caller, 'backup');
    return this.backups.get(id);
  }

  @Get(':instanceBackupId/download')
  @ApiOperation({
    summary: 'A short-lived URL of an instance backup’s stored (encrypted) object',
    description:
      'As a team backup’s download: S3 gives a presigned URL (signed by the worker); a server destination a signed API URL, relative to the API’s origin, that streams the object through the worker without a bearer token. Both expire after BACKUP_DOWNLOAD_URL_TTL_SECONDS. Decrypt with the destination’s key, restore with `npm run restore-instance`. Audited in the first team’s log.',
  })
  @ApiOkResponse({ type: BackupDownloadDoc })
  @ApiNotFoundResponse({ type: ProblemResponseDto, description: 'No such instance backup; also what anyone but an instance operator gets' })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The backup stored nothing (not `succeeded`), or its destination was deleted' })
  @ApiServiceUnavailableResponse({ type: ProblemResponseDto, description: 'The worker did not answer in time' })
  async download(@CurrentCaller() caller: Caller, @UuidParam('instanceBackupId') id: string): Promise<BackupDownloadDto> {
    return this.transfers.instanceDownloadUrl(caller, await this.operators.requireOrNotFound(caller, 'backup'), id);
  }

  @Public()
  @Get(':instanceBackupId/download/file')
  @ApiProduces('application/octet-stream')
  @ApiOperation({
    summary: 'The stored object of an instance backup in a server destination, by a signed link',
    description:
      'The link from `GET /system/backups/{id}/download` is the credential (no bearer token: a browser follows it); it works for BACKUP_DOWNLOAD_URL_TTL_SECONDS, for its backup only, while the person who asked for it is still an instance operator.',
  })
  @ApiQuery({ name: 'token', required: true, description: 'The signature from the download URL' })
  @ApiOkResponse({ description: 'The encrypted object', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ type: ProblemResponseDto, description: 'A wrong, expired or revoked link, or no such backup' })
  async downloadFile(
    @UuidParam('instanceBackupId') id: string,
    @Query('token') token: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return signedDownloadFile(await this.transfers.openInstanceSignedDownload(token, id), res);
  }
}
