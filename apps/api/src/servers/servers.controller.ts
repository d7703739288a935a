import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Ability, ErrorCode, type Paginated, Role, type ServerDto, type SshKeyDto, TEAM_HEADER } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { ServersRepository, SshKeysRepository } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { UuidParam } from '../access/team-params';
import {
  AllowedBindRootsDto,
  CreateServerDto,
  CreateSshKeyDto,
  ServerDoc,
  ServerPageDoc,
  SshKeyDoc,
  SshKeyPageDoc,
  UpdateServerDto,
} from './servers.dto';
import { ServersService } from './servers.service';
import { SshKeysService } from './ssh-keys.service';

@ApiTags('servers')
@ApiBearerAuth()
@Controller('ssh-keys')
export class SshKeysController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly keys: SshKeysService,
    private readonly keyRows: SshKeysRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: "The team's SSH keys (public halves only)" })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: SshKeyPageDoc })
  async list(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Query() query: PageQueryDto): Promise<Paginated<SshKeyDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Read);
    return this.keys.list(team, query);
  }

  @Post()
  @ApiOperation({ summary: 'Add a private key (pasted, or generated ed25519 when omitted); it is sealed and never returned' })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiCreatedResponse({ type: SshKeyDoc })
  async create(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Body() body: CreateSshKeyDto): Promise<SshKeyDto> {
    const { team } = await this.access.require(caller, teamId, Ability.Admin);
    return this.keys.create(caller, team, body);
  }

  @Delete(':sshKeyId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a key no server uses' })
  @ApiNoContentResponse()
  async delete(@CurrentCaller() caller: Caller, @UuidParam('sshKeyId') id: string): Promise<void> {
    const { team } = await this.access.requireFor(caller, this.keyRows, id, Ability.Admin);
    await this.keys.delete(caller, team, id);
  }
}

@ApiTags('servers')
@ApiBearerAuth()
@Controller('servers')
export class ServersController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly servers: ServersService,
    private readonly serverRows: ServersRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: "The team's servers" })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: ServerPageDoc })
  async list(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Query() query: PageQueryDto): Promise<Paginated<ServerDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Read);
    return this.servers.list(team, query);
  }

  @Post()
  @ApiOperation({ summary: 'Register a server reached over SSH (validated before use)' })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiCreatedResponse({ type: ServerDoc })
  async create(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Body() body: CreateServerDto): Promise<ServerDto> {
    const { team } = await this.access.require(caller, teamId, Ability.Admin);
    return this.servers.create(caller, team, body);
  }

  @Get(':serverId')
  @ApiOperation({ summary: 'One server' })
  @ApiOkResponse({ type: ServerDoc })
  async get(@CurrentCaller() caller: Caller, @UuidParam('serverId') id: string): Promise<ServerDto> {
    const { team } = await this.access.requireFor(caller, this.serverRows, id, Ability.Read);
    return this.servers.get(team, id);
  }

  @Patch(':serverId')
  @ApiOperation({ summary: 'Change a server; a new host, port, user or key sends it back to validation' })
  @ApiOkResponse({ type: ServerDoc })
  async update(@CurrentCaller() caller: Caller, @UuidParam('serverId') id: string, @Body() body: UpdateServerDto): Promise<ServerDto> {
    const { team } = await this.access.requireFor(caller, this.serverRows, id, Ability.Admin);
    return this.servers.update(caller, team, id, body);
  }

  @Put(':serverId/allowed-bind-roots')
  @ApiOperation({
    summary:
      "Replace the host directories the server's applications may bind-mount (the team's owners, signed in; never an API token): a bind mount reaches the server's files",
  })
  @ApiOkResponse({ type: ServerDoc })
  @ApiBadRequestResponse({
    description: 'A path is not absolute and normalized, or is, is under or contains a denied path (errors name `allowedBindRoots.<i>`)',
  })
  @ApiForbiddenResponse({ description: 'Not an owner of the team, or an API token' })
  async setAllowedBindRoots(
    @CurrentCaller() caller: Caller,
    @UuidParam('serverId') id: string,
    @Body() body: AllowedBindRootsDto,
  ): Promise<ServerDto> {
    const actor = await this.access.requireFor(caller, this.serverRows, id, Ability.Admin);
    if (caller.kind !== 'user' || actor.role !== Role.Owner)
      throw new AppException(ErrorCode.Forbidden, 'Only an owner of the team, signed in, can allow bind roots');
    return this.servers.setAllowedBindRoots(caller, actor.team, id, body.allowedBindRoots);
  }

  @Post(':serverId/validate')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Queue a validation: SSH (host key pinned at first contact), OS, Docker Engine, free disk' })
  @ApiAcceptedResponse({ type: ServerDoc })
  async validate(@CurrentCaller() caller: Caller, @UuidParam('serverId') id: string): Promise<ServerDto> {
    const { team } = await this.access.requireFor(caller, this.serverRows, id, Ability.Admin);
    return this.servers.validate(caller, team, id);
  }

  @Post(':serverId/trust-host-key')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Forget the recorded host key and validate again, pinning the key the server presents now' })
  @ApiAcceptedResponse({ type: ServerDoc })
  async trustHostKey(@CurrentCaller() caller: Caller, @UuidParam('serverId') id: string): Promise<ServerDto> {
    const { team } = await this.access.requireFor(caller, this.serverRows, id, Ability.Admin);
    return this.servers.validate(caller, team, id, { trustNewHostKey: true });
  }

  @Delete(':serverId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a server from Zpanel (nothing on the machine is touched)' })
  @ApiNoContentResponse()
  async delete(@CurrentCaller() caller: Caller, @UuidParam('serverId') id: string): Promise<void> {
    const { team } = await this.access.requireFor(caller, this.serverRows, id, Ability.Admin);
    await this.servers.delete(caller, team, id);
  }
}
