import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Ability, type ApplicationDto, type EnvVarDto, type GeneratedDeployKeyResponse, type Paginated, TEAM_HEADER } from '@zpanel/contracts';
import { type Caller, CurrentCaller } from '../auth/caller';
import { TeamAccessService } from '../teams/team-access.service';
import { TeamFromHeader } from '../teams/team-header';
import { uuidParam } from '../teams/team-params';
import { ApplicationDoc, ApplicationListQueryDto, ApplicationPageDoc, CreateApplicationDto, GeneratedDeployKeyDoc, UpdateApplicationDto } from './applications.dto';
import { ApplicationsService } from './applications.service';
import { BulkEnvDto, EnvVarDoc, UpsertEnvVarDto } from './env-vars.dto';
import { type EnvOwner, EnvVarsService } from './env-vars.service';
import { EnvKeyPipe } from './field-validation';
import { ProjectsService } from './projects.service';

const KEY_PARAM = { name: 'key', example: 'DATABASE_URL', description: 'Letters, digits and _, not starting with a digit' };
const revealed = (abilities: readonly Ability[]) => abilities.includes(Ability.ReadSensitive);

@ApiTags('applications')
@ApiBearerAuth()
@Controller('applications')
export class ApplicationsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly applications: ApplicationsService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The team's applications, optionally of one project or environment" })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: ApplicationPageDoc })
  async list(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Query() query: ApplicationListQueryDto): Promise<Paginated<ApplicationDto>> {
    await this.access.require(caller, teamId, Ability.Read);
    return this.applications.list(teamId, query);
  }

  @Post()
  @ApiOperation({ summary: 'Create an application in one of the team’s environments, to run on one of its servers (nothing is deployed yet)' })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiCreatedResponse({ type: ApplicationDoc })
  @ApiBadRequestResponse({ description: 'A field failed its allowlist, the build pack lacks what it needs, or an id is not the team’s (errors name each field)' })
  @ApiConflictResponse({ description: 'The name is used on that server (`name`), or a domain by any application (`domains`)' })
  async create(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Body() body: CreateApplicationDto): Promise<ApplicationDto> {
    await this.access.require(caller, teamId, Ability.Write);
    return this.applications.create(caller, teamId, body);
  }

  @Get(':applicationId')
  @ApiOperation({ summary: 'One application' })
  @ApiOkResponse({ type: ApplicationDoc })
  async get(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string): Promise<ApplicationDto> {
    await this.access.requireForResource(caller, await this.applications.teamOf(id), Ability.Read, 'application');
    return this.applications.get(id);
  }

  @Patch(':applicationId')
  @ApiOperation({ summary: 'Change an application’s settings; `domains` replaces the whole set' })
  @ApiOkResponse({ type: ApplicationDoc })
  @ApiBadRequestResponse({ description: 'A field failed its allowlist or the build pack lacks what it needs (errors name each field)' })
  @ApiConflictResponse({ description: 'The name is used on that server (`name`), or a domain by any application (`domains`)' })
  async update(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string, @Body() body: UpdateApplicationDto): Promise<ApplicationDto> {
    await this.access.requireForResource(caller, await this.applications.teamOf(id), Ability.Write, 'application');
    return this.applications.update(caller, id, body);
  }

  @Post(':applicationId/deploy-key')
  @ApiOperation({
    summary: "Generate an ed25519 deploy key for this application (kept as a team SSH key) and use it; paste the public key into the provider's deploy keys",
  })
  @ApiCreatedResponse({ type: GeneratedDeployKeyDoc })
  async generateDeployKey(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string): Promise<GeneratedDeployKeyResponse> {
    await this.access.requireForResource(caller, await this.applications.teamOf(id), Ability.Write, 'application');
    return this.applications.generateDeployKey(caller, id);
  }

  @Post(':applicationId/git-host-key/forget')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Forget the git host's pinned key on purpose (the provider rotated it): the next ssh clone trusts and pins the key it is shown",
  })
  @ApiOkResponse({ type: ApplicationDoc })
  async forgetGitHostKey(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string): Promise<ApplicationDto> {
    await this.access.requireForResource(caller, await this.applications.teamOf(id), Ability.Write, 'application');
    return this.applications.forgetGitHostKey(caller, id);
  }

  @Delete(':applicationId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an application with its domains and variables' })
  @ApiNoContentResponse()
  async delete(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string): Promise<void> {
    await this.access.requireForResource(caller, await this.applications.teamOf(id), Ability.Write, 'application');
    await this.applications.delete(caller, id);
  }
}

@ApiTags('applications')
@ApiBearerAuth()
@Controller('applications/:applicationId/env')
export class ApplicationEnvController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly applications: ApplicationsService,
    private readonly env: EnvVarsService,
  ) {}

  private async authorize(caller: Caller, id: string, ability: Ability): Promise<{ owner: EnvOwner; reveal: boolean }> {
    const actor = await this.access.requireForResource(caller, await this.applications.teamOf(id), ability, 'application');
    return { owner: { scope: 'application', id }, reveal: revealed(actor.abilities) };
  }

  @Get()
  @ApiOperation({ summary: "The variables the application gets: its environment's shared ones, overridden by its own (values need read:sensitive)" })
  @ApiOkResponse({ type: [EnvVarDoc] })
  async list(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string): Promise<EnvVarDto[]> {
    const { reveal } = await this.authorize(caller, id, Ability.Read);
    return this.env.effective(id, reveal);
  }

  @Put()
  @ApiOperation({ summary: "Replace the application's own variables with a .env text" })
  @ApiOkResponse({ type: [EnvVarDoc], description: 'The effective variables afterwards' })
  @ApiBadRequestResponse({ description: 'One error per problem, field `dotenv`, message `line N: …`; nothing changed' })
  async replace(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string, @Body() body: BulkEnvDto): Promise<EnvVarDto[]> {
    const { owner, reveal } = await this.authorize(caller, id, Ability.Write);
    await this.env.replace(caller, owner, body);
    return this.env.effective(id, reveal);
  }

  @Put(':key')
  @ApiOperation({ summary: 'Set one of the application’s own variables' })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: EnvVarDoc })
  async upsert(
    @CurrentCaller() caller: Caller,
    @Param('applicationId', uuidParam('applicationId')) id: string,
    @Param('key', EnvKeyPipe) key: string,
    @Body() body: UpsertEnvVarDto,
  ): Promise<EnvVarDto> {
    const { owner, reveal } = await this.authorize(caller, id, Ability.Write);
    return this.env.upsert(caller, owner, key, body, reveal);
  }

  @Delete(':key')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete one of the application’s own variables (a shared one of the same key then applies)' })
  @ApiParam(KEY_PARAM)
  @ApiNoContentResponse()
  async remove(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string, @Param('key', EnvKeyPipe) key: string): Promise<void> {
    const { owner } = await this.authorize(caller, id, Ability.Write);
    await this.env.remove(caller, owner, key);
  }
}

@ApiTags('projects')
@ApiBearerAuth()
@Controller('environments/:environmentId/env')
export class EnvironmentEnvController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly projects: ProjectsService,
    private readonly env: EnvVarsService,
  ) {}

  private async authorize(caller: Caller, id: string, ability: Ability): Promise<{ owner: EnvOwner; reveal: boolean }> {
    const actor = await this.access.requireForResource(caller, await this.projects.environmentTeamOf(id), ability, 'environment');
    return { owner: { scope: 'environment', id }, reveal: revealed(actor.abilities) };
  }

  @Get()
  @ApiOperation({ summary: "The environment's shared variables (values need read:sensitive)" })
  @ApiOkResponse({ type: [EnvVarDoc] })
  async list(@CurrentCaller() caller: Caller, @Param('environmentId', uuidParam('environmentId')) id: string): Promise<EnvVarDto[]> {
    const { owner, reveal } = await this.authorize(caller, id, Ability.Read);
    return this.env.list(owner, reveal);
  }

  @Put()
  @ApiOperation({ summary: "Replace the environment's shared variables with a .env text" })
  @ApiOkResponse({ type: [EnvVarDoc] })
  @ApiBadRequestResponse({ description: 'One error per problem, field `dotenv`, message `line N: …`; nothing changed' })
  async replace(@CurrentCaller() caller: Caller, @Param('environmentId', uuidParam('environmentId')) id: string, @Body() body: BulkEnvDto): Promise<EnvVarDto[]> {
    const { owner, reveal } = await this.authorize(caller, id, Ability.Write);
    await this.env.replace(caller, owner, body);
    return this.env.list(owner, reveal);
  }

  @Put(':key')
  @ApiOperation({ summary: 'Set one shared variable' })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: EnvVarDoc })
  async upsert(
    @CurrentCaller() caller: Caller,
    @Param('environmentId', uuidParam('environmentId')) id: string,
    @Param('key', EnvKeyPipe) key: string,
    @Body() body: UpsertEnvVarDto,
  ): Promise<EnvVarDto> {
    const { owner, reveal } = await this.authorize(caller, id, Ability.Write);
    return this.env.upsert(caller, owner, key, body, reveal);
  }

  @Delete(':key')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete one shared variable' })
  @ApiParam(KEY_PARAM)
  @ApiNoContentResponse()
  async remove(@CurrentCaller() caller: Caller, @Param('environmentId', uuidParam('environmentId')) id: string, @Param('key', EnvKeyPipe) key: string): Promise<void> {
    const { owner } = await this.authorize(caller, id, Ability.Write);
    await this.env.remove(caller, owner, key);
  }
}
