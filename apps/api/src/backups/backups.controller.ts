import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  Ability,
  type BackupDownloadDto,
  type BackupDto,
  type BackupWithLogDto,
  type Paginated,
  type RestoreDto,
  TEAM_HEADER,
} from '@zpanel/contracts';
import { ApplicationMountsRepository, BackupsRepository, DatabasesRepository, type TeamScope } from '@zpanel/database';
import type { Request, Response } from 'express';
import { type Caller, CurrentCaller, Public } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { UuidParam } from '../access/team-params';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { BackupTransfersService, type UploadRequest, signedDownloadFile } from './backup-transfers.service';
import {
  BackUpNowDto,
  BackupDoc,
  BackupDownloadDoc,
  BackupListQueryDto,
  BackupPageDoc,
  BackupWithLogDoc,
  CreateRestoreDto,
  RestoreDoc,
  UPLOAD_RESTORE_TARGETS,
  validateUploadQuery,
} from './backups.dto';
import { BackupsService } from './backups.service';
import { TeamResourceApi } from '../http/team-resource-api';

const NOT_RESTORABLE =
  'The backup is not `succeeded`, its source was deleted (for `same`), or a restore into the same database or volume is queued or running';

/**
 * Backups of the team's databases and volumes (docs/backups.md, "Routes"). Reading needs `read`,
 * starting, cancelling, restoring and deleting `write`, a download `read:sensitive` (it is the
 * team's data, encrypted). The worker runs every backup and restore.
 */
@TeamResourceApi('backups', 'No such backup (or one of another team)')
@Controller('backups')
export class BackupsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly backups: BackupsService,
    private readonly transfers: BackupTransfersService,
    private readonly rows: BackupsRepository,
  ) {}

  private async authorize(caller: Caller, id: string, ability: Ability): Promise<TeamScope> {
    return (await this.access.requireFor(caller, this.rows, id, ability)).team;
  }

  @Get()
  @ApiOperation({ summary: "The team's backups, newest first (without their logs)" })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: BackupPageDoc })
  async list(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Query() query: BackupListQueryDto): Promise<Paginated<BackupDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Read);
    return this.backups.list(team, query);
  }

  @Get(':backupId')
  @ApiOperation({
    summary: 'One backup with its log',
    description: 'The live subscription `{ kind: "backup", backupId }` streams the log and status while it runs.',
  })
  @ApiOkResponse({ type: BackupWithLogDoc })
  async get(@CurrentCaller() caller: Caller, @UuidParam('backupId') id: string): Promise<BackupWithLogDto> {
    return this.backups.get(await this.authorize(caller, id, Ability.Read), id);
  }

  @Delete(':backupId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a backup',
    description:
      'A stored object is removed from its destination (through the worker) and the backup stays in the history as `pruned`; a backup that stored nothing (failed, cancelled) or was already pruned is removed. Audited.',
  })
  @ApiNoContentResponse()
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The backup is queued or running (cancel it first), or a restore of it is' })
  @ApiServiceUnavailableResponse({ type: ProblemResponseDto, description: 'The worker or the destination did not answer: nothing changed' })
  async remove(@CurrentCaller() caller: Caller, @UuidParam('backupId') id: string): Promise<void> {
    await this.transfers.remove(caller, await this.authorize(caller, id, Ability.Write), id);
  }

  @Post(':backupId/cancel')
  @ApiOperation({
    summary: 'Cancel a queued or running backup',
    description: 'A queued one is cancelled at once; a running one stops its dump and aborts its upload within about a second (nothing half-stored).',
  })
  @ApiOkResponse({ type: BackupDoc })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The backup already finished' })
  async cancel(@CurrentCaller() caller: Caller, @UuidParam('backupId') id: string): Promise<BackupDto> {
    return this.backups.cancel(caller, await this.authorize(caller, id, Ability.Write), id);
  }

  @Post(':backupId/verify')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Verify a backup by restoring it into a throwaway container',
    description:
      'Queues a `verify` restore: the same engine and image, the tables and row counts (keys for Redis, files for a volume) compared with what the dump recorded; the backup shows `verified`, `mismatch` or `failed`.',
  })
  @ApiAcceptedResponse({ type: RestoreDoc })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The backup is not `succeeded`' })
  async verify(@CurrentCaller() caller: Caller, @UuidParam('backupId') id: string): Promise<RestoreDto> {
    return this.backups.verify(caller, await this.authorize(caller, id, Ability.Write), id);
  }

  @Post(':backupId/restores')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Restore a backup',
    description:
      '`same`: over its database or volume, whose name must be typed again as `confirmName`; the worker takes a safety backup first. `new` (databases): a new database named `newDatabaseName` in the source’s environment and server, with its engine and image, created as any database (its `create` operation), then restored into. `verify`: a throwaway container. Follow it with `{ kind: "restore", restoreId }`. Audited.',
  })
  @ApiAcceptedResponse({ type: RestoreDoc })
  @ApiBadRequestResponse({
    type: ProblemResponseDto,
    description:
      '`confirmName` is not the name of what it overwrites, `newDatabaseName` fails its rules, or `target` does not fit the backup (errors name the field)',
  })
  @ApiConflictResponse({ type: ProblemResponseDto, description: `${NOT_RESTORABLE}; or the new database’s name is taken (\`name\`)` })
  async restore(@CurrentCaller() caller: Caller, @UuidParam('backupId') id: string, @Body() body: CreateRestoreDto): Promise<RestoreDto> {
    return this.backups.createRestore(caller, await this.authorize(caller, id, Ability.Write), id, body);
  }

  @Get(':backupId/download')
  @ApiOperation({
    summary: 'A short-lived URL of the backup’s stored (encrypted) object',
    description:
      'S3: a presigned URL (signed by the worker). A server destination: a signed API URL, relative to the API’s origin, that streams the object through the worker without a bearer token. Both expire after BACKUP_DOWNLOAD_URL_TTL_SECONDS. Decrypt with the destination’s key (docs/backups.md). Needs `read:sensitive`; audited.',
  })
  @ApiOkResponse({ type: BackupDownloadDoc })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The backup stored nothing (not `succeeded`), or its destination was deleted' })
  @ApiServiceUnavailableResponse({ type: ProblemResponseDto, description: 'The worker did not answer in time' })
  async download(@CurrentCaller() caller: Caller, @UuidParam('backupId') id: string): Promise<BackupDownloadDto> {
    return this.transfers.downloadUrl(caller, await this.authorize(caller, id, Ability.ReadSensitive), id);
  }

  @Public()
  @Get(':backupId/download/file')
  @ApiProduces('application/octet-stream')
  @ApiOperation({
    summary: 'The stored object of a backup in a server destination, by a signed link',
    description:
      'The link from `GET /backups/{id}/download` is the credential (no bearer token: a browser follows it); it works for BACKUP_DOWNLOAD_URL_TTL_SECONDS, for its backup only, while the person who asked for it is still in the team.',
  })
  @ApiQuery({ name: 'token', required: true, description: 'The signature from the download URL' })
  @ApiOkResponse({ description: 'The encrypted object', schema: { type: 'string', format: 'binary' } })
  async downloadFile(
    @UuidParam('backupId') id: string,
    @Query('token') token: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return signedDownloadFile(await this.transfers.openSignedDownload(token, id), res);
  }
}

@ApiTags('backups')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ProblemResponseDto, description: 'No such database (or one of another team)' })
@Controller('databases/:databaseId')
export class DatabaseBackupsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly backups: BackupsService,
    private readonly transfers: BackupTransfersService,
    private readonly databases: DatabasesRepository,
  ) {}

  @Post('backups')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Back up a database now',
    description: 'Queues a backup to one of the team’s destinations; follow it with `{ kind: "backup", backupId }`. Audited.',
  })
  @ApiAcceptedResponse({ type: BackupDoc })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: '`destinationId` is not one of the team’s destinations' })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'A backup of the database is queued or running, or it is being deleted' })
  async backUp(@CurrentCaller() caller: Caller, @UuidParam('databaseId') id: string, @Body() body: BackUpNowDto): Promise<BackupDto> {
    const { team } = await this.access.requireFor(caller, this.databases, id, Ability.Write);
    return this.backups.backUpDatabase(caller, team, id, body);
  }

  @Post('restores/upload')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiConsumes('application/octet-stream')
  @ApiBody({
    description: 'The dump file itself: pg_dump -Fc, mariadb-dump / mysqldump SQL, or a Redis RDB',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiOperation({
    summary: 'Restore a database from an uploaded dump file',
    description:
      'The body streams (never whole in memory), at most BACKUP_UPLOAD_MAX_BYTES: checked to be a whole dump of the database’s engine, encrypted with the destination’s key and stored there as a backup with trigger `upload`, then restored as a backup is (`POST /backups/{id}/restores`, the same query fields): `same` over the database (its name typed as `confirmName`; a safety backup first), or `new` into a new database named `newDatabaseName` in its environment and server, with its engine and image, created once the upload is stored. Answers once stored, with the queued restore. A refused or failed upload leaves nothing behind (no backup, object or database). Audited.',
  })
  @ApiAcceptedResponse({ type: RestoreDoc })
  @ApiBadRequestResponse({
    type: ProblemResponseDto,
    description:
      '`body` is not a dump of the engine, or truncated; `target` is not `same` or `new`; `confirmName` is not the database’s name (`same`); `newDatabaseName` fails its rules (`new`); `destinationId` is not the team’s',
  })
  @ApiPayloadTooLargeResponse({ type: ProblemResponseDto, description: '`body` is larger than BACKUP_UPLOAD_MAX_BYTES' })
  @ApiConflictResponse({
    type: ProblemResponseDto,
    description: 'A restore into the database is queued or running (`same`), it is being deleted, or the new database’s name is taken (`name`)',
  })
  @ApiServiceUnavailableResponse({ type: ProblemResponseDto, description: 'The worker or the destination did not store it: nothing was kept' })
  @ApiQuery({
    name: 'destinationId',
    required: true,
    description: "One of the team's destinations: the upload is stored there (encrypted) like any backup",
  })
  @ApiQuery({
    name: 'target',
    required: false,
    enum: UPLOAD_RESTORE_TARGETS,
    description: '`same` (default): over this database, after a safety backup; `new`: into a new database',
  })
  @ApiQuery({ name: 'confirmName', required: false, description: '`same`: the database’s name typed again, to confirm overwriting it' })
  @ApiQuery({
    name: 'newDatabaseName',
    required: false,
    description: '`new`: the new database’s name, unique in the environment (created on the same server with the same engine and image)',
  })
  async upload(
    @CurrentCaller() caller: Caller,
    @UuidParam('databaseId') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RestoreDto> {
    // A refusal may come while the client still sends: the connection is not reused for what follows.
    res.setHeader('Connection', 'close');
    // Access first, then the query: another team's database is a 404 whatever the query holds.
    const { team } = await this.access.requireFor(caller, this.databases, id, Ability.Write);
    return this.transfers.upload(caller, team, id, validateUploadQuery(query), request as unknown as UploadRequest);
  }
}

@ApiTags('backups')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ProblemResponseDto, description: 'No such volume (or one of another team)' })
@Controller('volumes/:volumeId')
export class VolumeBackupsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly backups: BackupsService,
    private readonly mounts: ApplicationMountsRepository,
  ) {}

  @Post('backups')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Back up an application’s named volume now',
    description: 'A tar stream of the volume from a short-lived helper container, to one of the team’s destinations. Audited.',
  })
  @ApiAcceptedResponse({ type: BackupDoc })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: '`destinationId` is not one of the team’s destinations' })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'A backup of the volume is queued or running' })
  async backUp(@CurrentCaller() caller: Caller, @UuidParam('volumeId') id: string, @Body() body: BackUpNowDto): Promise<BackupDto> {
    const { team } = await this.access.requireForResource(caller, await this.mounts.teamOf(id), Ability.Write, 'volume');
    return this.backups.backUpVolume(caller, team, id, body);
  }
}
