import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import {
  Ability,
  type ContainerLogsDto,
  type CreateDatabaseResponse,
  type DatabaseCredentialsDto,
  type DatabaseDto,
  type DatabaseOperationDto,
  type DatabaseOperationQueuedResponse,
  type DatabaseOperationWithLogDto,
  type DatabaseStatsDto,
  type Paginated,
  TEAM_HEADER,
  type UpdateDatabaseResponse,
} from '@zpanel/contracts';
import { parseFlag, parseLogTail } from '@zpanel/core';
import { DatabaseOperationsRepository, DatabasesRepository, type TeamScope } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { UuidParam } from '../access/team-params';
import { PageQueryDto } from '../http/pagination';
import { ProblemResponseDto } from '../http/problem-response.dto';
import {
  CreateDatabaseDto,
  DatabaseChangeDoc,
  DatabaseCredentialsDoc,
  DatabaseDoc,
  DatabaseListQueryDto,
  DatabaseLogsDoc,
  DatabaseOperationPageDoc,
  DatabaseOperationQueuedDoc,
  DatabaseOperationWithLogDoc,
  DatabasePageDoc,
  DatabaseStatsDoc,
  DatabaseWithOperationDoc,
  UpdateDatabaseDto,
} from './databases.dto';
import { type DatabaseAction, DatabasesService } from './databases.service';
import { TeamResourceApi } from '../http/team-resource-api';

const BUSY = 'Another operation of the database is queued or running, or the database is being deleted: wait until it finishes';

/**
 * One-click databases (docs/databases.md): rows and credentials here, the containers through
 * operations the worker runs. Reading needs `read`, changing `write`, the password `read:sensitive`.
 */
@TeamResourceApi('databases', 'No such database or operation (or one of another team)')
@Controller('databases')
export class DatabasesController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly databases: DatabasesService,
    private readonly rows: DatabasesRepository,
    private readonly operationRows: DatabaseOperationsRepository,
  ) {}

  private async authorize(caller: Caller, id: string, ability: Ability): Promise<TeamScope> {
    return (await this.access.requireFor(caller, this.rows, id, ability)).team;
  }

  @Get()
  @ApiOperation({ summary: "The team's databases by name, optionally of one environment" })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: DatabasePageDoc })
  async list(
    @CurrentCaller() caller: Caller,
    @TeamFromHeader() teamId: string,
    @Query() query: DatabaseListQueryDto,
  ): Promise<Paginated<DatabaseDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Read);
    return this.databases.list(team, query);
  }

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Create a database in one of the team’s environments, on one of its validated servers',
    description:
      'Generates the password (read it from the credentials route), stores the database `creating` and queues its `create` operation; follow it with the live subscription `{ kind: "database-operation", operationId }`. Audited.',
  })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiAcceptedResponse({ type: DatabaseWithOperationDoc })
  @ApiBadRequestResponse({
    type: ProblemResponseDto,
    description: 'A field failed its allowlist, or an id is not the team’s (errors name each field)',
  })
  @ApiConflictResponse({
    type: ProblemResponseDto,
    description:
      'The name is used by a database or application of the environment (`name`), the public port by another database on the server (`publicPort`), or the server was never validated (`serverId`)',
  })
  async create(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Body() body: CreateDatabaseDto): Promise<CreateDatabaseResponse> {
    const { team } = await this.access.require(caller, teamId, Ability.Write);
    return this.databases.create(caller, team, body);
  }

  @Get(':databaseId')
  @ApiOperation({ summary: 'One database (never its password)' })
  @ApiOkResponse({ type: DatabaseDoc })
  async get(@CurrentCaller() caller: Caller, @UuidParam('databaseId') id: string): Promise<DatabaseDto> {
    return this.databases.get(await this.authorize(caller, id, Ability.Read), id);
  }

  @Patch(':databaseId')
  @ApiOperation({
    summary: 'Rename a database, or change its image tag, limits or public port',
    description:
      'Only what is sent and differs changes. A new image, limit or public port queues an `apply` operation that recreates the container on the same data volume; a rename changes only the record (the container is named from the id).',
  })
  @ApiOkResponse({ type: DatabaseChangeDoc })
  @ApiBadRequestResponse({
    type: ProblemResponseDto,
    description: 'A field failed its allowlist, or the image change is one the engine cannot take on its data (`image`, with the reason)',
  })
  @ApiConflictResponse({ type: ProblemResponseDto, description: `The name or public port is taken (naming the field), or: ${BUSY}` })
  async update(
    @CurrentCaller() caller: Caller,
    @UuidParam('databaseId') id: string,
    @Body() body: UpdateDatabaseDto,
  ): Promise<UpdateDatabaseResponse> {
    return this.databases.update(caller, await this.authorize(caller, id, Ability.Write), id, body);
  }

  @Delete(':databaseId')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Delete a database',
    description:
      'Marks it `deleting` and queues the `delete` operation: the container goes, then the record. The data volume stays (found again by its label) unless deleteData=true.',
  })
  @ApiQuery({ name: 'deleteData', required: false, type: Boolean, description: 'Also remove the data volume (default false)' })
  @ApiAcceptedResponse({ type: DatabaseOperationQueuedDoc })
  @ApiConflictResponse({ type: ProblemResponseDto, description: BUSY })
  async remove(
    @CurrentCaller() caller: Caller,
    @UuidParam('databaseId') id: string,
    @Query('deleteData') deleteData?: string,
  ): Promise<DatabaseOperationQueuedResponse> {
    const flag = parseFlag(deleteData, 'deleteData');
    return this.databases.remove(caller, await this.authorize(caller, id, Ability.Write), id, flag);
  }

  private async act(caller: Caller, id: string, kind: DatabaseAction): Promise<DatabaseOperationQueuedResponse> {
    return this.databases.act(caller, await this.authorize(caller, id, Ability.Write), id, kind);
  }

  @Post(':databaseId/start')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Start a stopped database (queues a `start` operation)' })
  @ApiAcceptedResponse({ type: DatabaseOperationQueuedDoc })
  @ApiConflictResponse({ type: ProblemResponseDto, description: BUSY })
  start(@CurrentCaller() caller: Caller, @UuidParam('databaseId') id: string): Promise<DatabaseOperationQueuedResponse> {
    return this.act(caller, id, 'start');
  }

  @Post(':databaseId/stop')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Stop a database, its data kept (queues a `stop` operation)' })
  @ApiAcceptedResponse({ type: DatabaseOperationQueuedDoc })
  @ApiConflictResponse({ type: ProblemResponseDto, description: BUSY })
  stop(@CurrentCaller() caller: Caller, @UuidParam('databaseId') id: string): Promise<DatabaseOperationQueuedResponse> {
    return this.act(caller, id, 'stop');
  }

  @Post(':databaseId/restart')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Restart a database (queues a `restart` operation)' })
  @ApiAcceptedResponse({ type: DatabaseOperationQueuedDoc })
  @ApiConflictResponse({ type: ProblemResponseDto, description: BUSY })
  restart(@CurrentCaller() caller: Caller, @UuidParam('databaseId') id: string): Promise<DatabaseOperationQueuedResponse> {
    return this.act(caller, id, 'restart');
  }

  @Post(':databaseId/rotate-password')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Give the database user a new generated password',
    description:
      'Queues a `rotate-password` operation: the engine takes the new password, then Zpanel stores it. Applications that reference the database get it at their next deployment.',
  })
  @ApiAcceptedResponse({ type: DatabaseOperationQueuedDoc })
  @ApiConflictResponse({ type: ProblemResponseDto, description: BUSY })
  rotatePassword(@CurrentCaller() caller: Caller, @UuidParam('databaseId') id: string): Promise<DatabaseOperationQueuedResponse> {
    return this.act(caller, id, 'rotate-password');
  }

  @Get(':databaseId/credentials')
  @ApiOperation({
    summary: 'The database’s user, password and connection URLs',
    description: 'Needs `read:sensitive`; every read is audited (without the password).',
  })
  @ApiOkResponse({ type: DatabaseCredentialsDoc })
  async credentials(@CurrentCaller() caller: Caller, @UuidParam('databaseId') id: string): Promise<DatabaseCredentialsDto> {
    return this.databases.credentials(caller, await this.authorize(caller, id, Ability.ReadSensitive), id);
  }

  @Get(':databaseId/operations')
  @ApiOperation({ summary: 'The database’s operations, newest first (without their logs)' })
  @ApiOkResponse({ type: DatabaseOperationPageDoc })
  async operations(
    @CurrentCaller() caller: Caller,
    @UuidParam('databaseId') id: string,
    @Query() query: PageQueryDto,
  ): Promise<Paginated<DatabaseOperationDto>> {
    return this.databases.listOperations(await this.authorize(caller, id, Ability.Read), id, query);
  }

  @Get(':databaseId/operations/:operationId')
  @ApiOperation({
    summary: 'One operation with its log',
    description:
      'The log is saved while the operation runs and at its end; the live subscription `{ kind: "database-operation", operationId }` streams it. Still readable once its database is deleted (the final `delete` too).',
  })
  @ApiOkResponse({ type: DatabaseOperationWithLogDoc })
  async operation(
    @CurrentCaller() caller: Caller,
    @UuidParam('databaseId') id: string,
    @UuidParam('operationId') operationId: string,
  ): Promise<DatabaseOperationWithLogDto> {
    // Through the operation's own team: a deleted database's operations stay readable.
    const { team } = await this.access.requireFor(caller, this.operationRows, operationId, Ability.Read);
    return this.databases.getOperation(team, id, operationId);
  }

  @Get(':databaseId/logs')
  @ApiOperation({ summary: 'The last lines of the engine’s output (its container’s log), through the worker' })
  @ApiQuery({ name: 'tail', required: false, description: 'Lines, 1..10000 (default 200)' })
  @ApiOkResponse({ type: DatabaseLogsDoc })
  async logs(@CurrentCaller() caller: Caller, @UuidParam('databaseId') id: string, @Query('tail') tail?: string): Promise<ContainerLogsDto> {
    const lines = parseLogTail(tail);
    return this.databases.logs(await this.authorize(caller, id, Ability.Read), id, lines);
  }

  @Get(':databaseId/stats')
  @ApiOperation({ summary: 'The container’s CPU and memory from the server’s latest check (null figures when none saw it in 10 minutes)' })
  @ApiOkResponse({ type: DatabaseStatsDoc })
  async stats(@CurrentCaller() caller: Caller, @UuidParam('databaseId') id: string): Promise<DatabaseStatsDto> {
    return this.databases.stats(await this.authorize(caller, id, Ability.Read), id);
  }
}
