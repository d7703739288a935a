import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import {
  Ability,
  type ContainerAction,
  type ContainerDetailsDto,
  type ContainerDto,
  type ContainerLogsDto,
  type ContainerOperation,
} from '@zpanel/contracts';
import { AppException, parseContainerId, parseFlag, parseLogSince, parseLogTail, parseStopTimeoutSeconds } from '@zpanel/core';
import { ServersRepository } from '@zpanel/database';
import { JobProducer } from '@zpanel/queue';
import { IsOptional } from 'class-validator';
import { type Caller, CurrentCaller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { UuidParam } from '../access/team-params';
import { runContainerOperation } from './container-operation';

class StopBodyDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 600, default: 10, description: 'Seconds to wait before the container is killed' })
  @IsOptional()
  timeoutSeconds?: unknown;
}

/**
 * Containers on a server, through the worker (the API never talks to Docker). Every parameter is
 * checked here against allowlists before a job is queued, and again by the worker's Docker layer.
 */
@ApiTags('servers')
@ApiBearerAuth()
@Controller('servers/:serverId/containers')
export class ContainersController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly servers: ServersRepository,
    private readonly jobs: JobProducer,
  ) {}

  private async run(caller: Caller, serverId: string, ability: Ability, operation: ContainerOperation) {
    await this.access.requireFor(caller, this.servers, serverId, ability);
    return runContainerOperation(this.jobs, operation);
  }

  @Get()
  @ApiOperation({ summary: 'Containers on the server (running only unless all=true; managedOnly=true for Zpanel-managed ones)' })
  @ApiQuery({ name: 'all', required: false, type: Boolean })
  @ApiQuery({ name: 'managedOnly', required: false, type: Boolean })
  @ApiOkResponse({ description: 'ContainerDto[]' })
  async list(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') serverId: string,
    @Query('all') all?: string,
    @Query('managedOnly') managedOnly?: string,
  ): Promise<ContainerDto[]> {
    const op = { serverId, op: 'list' as const, all: parseFlag(all, 'all'), managedOnly: parseFlag(managedOnly, 'managedOnly') };
    return (await this.run(caller, serverId, Ability.Read, op)).containers ?? [];
  }

  @Get(':containerId')
  @ApiOperation({ summary: 'One container' })
  @ApiOkResponse({ description: 'ContainerDetailsDto' })
  async inspect(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') serverId: string,
    @Param('containerId') containerId: string,
  ): Promise<ContainerDetailsDto> {
    const op = { serverId, op: 'inspect' as const, containerId: parseContainerId(containerId) };
    return (await this.run(caller, serverId, Ability.Read, op)).container as ContainerDetailsDto;
  }

  @Get(':containerId/logs')
  @ApiOperation({ summary: 'The last lines of a container’s output, stdout and stderr apart' })
  @ApiQuery({ name: 'tail', required: false, description: 'Lines, 1..10000 (default 200)' })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601 date-time or unix seconds' })
  @ApiOkResponse({ description: 'ContainerLogsDto' })
  async logs(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') serverId: string,
    @Param('containerId') containerId: string,
    @Query('tail') tail?: string,
    @Query('since') since?: string,
  ): Promise<ContainerLogsDto> {
    const op = { serverId, op: 'logs' as const, containerId: parseContainerId(containerId), tail: parseLogTail(tail), since: parseLogSince(since) };
    return (await this.run(caller, serverId, Ability.Read, op)).logs as ContainerLogsDto;
  }

  @Post(':containerId/:action')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'start, stop or restart a container (stop and restart wait timeoutSeconds before killing)' })
  @ApiNoContentResponse()
  async act(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') serverId: string,
    @Param('containerId') containerId: string,
    @Param('action') action: string,
    @Body() body: StopBodyDto,
  ): Promise<void> {
    const known: readonly ContainerAction[] = ['start', 'stop', 'restart'];
    const chosen = known.find((a) => a === action);
    if (!chosen) throw AppException.validation([{ field: 'action', message: 'action must be start, stop or restart' }]);
    const op = {
      serverId,
      op: 'action' as const,
      containerId: parseContainerId(containerId),
      action: chosen,
      timeoutSeconds: parseStopTimeoutSeconds(body.timeoutSeconds, 'timeoutSeconds'),
      force: false,
    };
    await this.run(caller, serverId, Ability.Write, op);
  }

  @Delete(':containerId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a container (force=true also removes a running one)' })
  @ApiQuery({ name: 'force', required: false, type: Boolean })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Docker refused in the container’s state (running, without force), in its own words' })
  async remove(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') serverId: string,
    @Param('containerId') containerId: string,
    @Query('force') force?: string,
  ): Promise<void> {
    const op = {
      serverId,
      op: 'action' as const,
      containerId: parseContainerId(containerId),
      action: 'remove' as const,
      timeoutSeconds: 0,
      force: parseFlag(force, 'force'),
    };
    await this.run(caller, serverId, Ability.Write, op);
  }
}
