import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Ability, type CommandRunDto, type CommandRunSummaryDto, type Paginated } from '@zpanel/contracts';
import { ServersRepository, type TeamScope } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { TeamAccessService } from '../access/team-access.service';
import { UuidParam } from '../access/team-params';
import { CommandRunDoc, CommandRunPageDoc, CreateCommandRunDto } from './command-runs.dto';
import { CommandRunsService } from './command-runs.service';

/**
 * Commands an admin runs on a server (ChatOps). Every route needs the `admin` ability, reading too:
 * output can hold whatever the command printed, secrets included.
 */
@ApiTags('servers')
@ApiBearerAuth()
@ApiForbiddenResponse({ type: ProblemResponseDto, description: 'The caller is not an owner or admin of the team (or the API token lacks `admin`)' })
@ApiNotFoundResponse({ type: ProblemResponseDto, description: 'No such server or run (or one of another team)' })
@Controller('servers/:serverId/commands')
export class CommandRunsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly servers: ServersRepository,
    private readonly runs: CommandRunsService,
  ) {}

  /** The server's team, once the caller may act as its admin. */
  private async authorize(caller: Caller, serverId: string): Promise<TeamScope> {
    return (await this.access.requireFor(caller, this.servers, serverId, Ability.Admin)).team;
  }

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Run a command on the server',
    description:
      'Queues `sh -c <command>` on the server as its SSH user; the answer is the queued run. Follow the output with the live subscription `{ kind: "command-run", runId }`, or read the run later. Audited with the command text (never the output).',
  })
  @ApiAcceptedResponse({ type: CommandRunDoc, description: 'The run, queued' })
  async create(@CurrentCaller() caller: Caller, @UuidParam('serverId') serverId: string, @Body() body: CreateCommandRunDto): Promise<CommandRunDto> {
    const team = await this.authorize(caller, serverId);
    return this.runs.create(caller, team, serverId, body);
  }

  @Get()
  @ApiOperation({ summary: 'Commands run on the server, newest first (without their output)' })
  @ApiOkResponse({ type: CommandRunPageDoc })
  async list(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') serverId: string,
    @Query() query: PageQueryDto,
  ): Promise<Paginated<CommandRunSummaryDto>> {
    const team = await this.authorize(caller, serverId);
    return this.runs.list(team, serverId, query);
  }

  @Get(':runId')
  @ApiOperation({ summary: 'One run with its output (saved every 10 s while it runs, and at the end)' })
  @ApiOkResponse({ type: CommandRunDoc })
  async get(@CurrentCaller() caller: Caller, @UuidParam('serverId') serverId: string, @UuidParam('runId') runId: string): Promise<CommandRunDto> {
    const team = await this.authorize(caller, serverId);
    return this.runs.get(team, serverId, runId);
  }

  @Post(':runId/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Cancel a run',
    description:
      'A queued run is cancelled at once; a running one is killed (with its children) by the worker within about a second, and `cancelRequested` is true until then.',
  })
  @ApiAcceptedResponse({ type: CommandRunDoc })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The run already finished' })
  async cancel(@CurrentCaller() caller: Caller, @UuidParam('serverId') serverId: string, @UuidParam('runId') runId: string): Promise<CommandRunDto> {
    const team = await this.authorize(caller, serverId);
    return this.runs.cancel(caller, team, serverId, runId);
  }
}
