import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Ability, type ApplicationDto, type GeneratedDeployKeyResponse, type Paginated, TEAM_HEADER } from '@zpanel/contracts';
import { type Caller, CurrentCaller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { UuidParam } from '../access/team-params';
import {
  ApplicationDoc,
  ApplicationListQueryDto,
  ApplicationPageDoc,
  CreateApplicationDto,
  DeleteApplicationQueryDto,
  GeneratedDeployKeyDoc,
  UpdateApplicationDto,
} from './applications.dto';
import { ApplicationsService } from './applications.service';
import { ApplicationsRepository } from '@zpanel/database';

@ApiTags('applications')
@ApiBearerAuth()
@Controller('applications')
export class ApplicationsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly applications: ApplicationsService,
    private readonly rows: ApplicationsRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: "The team's applications, optionally of one project or environment" })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: ApplicationPageDoc })
  async list(
    @CurrentCaller() caller: Caller,
    @TeamFromHeader() teamId: string,
    @Query() query: ApplicationListQueryDto,
  ): Promise<Paginated<ApplicationDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Read);
    return this.applications.list(team, query);
  }

  @Post()
  @ApiOperation({ summary: 'Create an application in one of the team’s environments, to run on one of its servers (nothing is deployed yet)' })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiCreatedResponse({ type: ApplicationDoc })
  @ApiBadRequestResponse({
    description: 'A field failed its allowlist, the build pack lacks what it needs, or an id is not the team’s (errors name each field)',
  })
  @ApiConflictResponse({ description: 'The name is used on that server (`name`), or a domain by any application (`domains`)' })
  async create(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Body() body: CreateApplicationDto): Promise<ApplicationDto> {
    const { team } = await this.access.require(caller, teamId, Ability.Write);
    return this.applications.create(caller, team, body);
  }

  @Get(':applicationId')
  @ApiOperation({ summary: 'One application' })
  @ApiOkResponse({ type: ApplicationDoc })
  async get(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string): Promise<ApplicationDto> {
    const { team } = await this.access.requireFor(caller, this.rows, id, Ability.Read);
    return this.applications.get(team, id);
  }

  @Patch(':applicationId')
  @ApiOperation({ summary: 'Change an application’s settings; `domains` replaces the whole set' })
  @ApiOkResponse({ type: ApplicationDoc })
  @ApiBadRequestResponse({ description: 'A field failed its allowlist or the build pack lacks what it needs (errors name each field)' })
  @ApiConflictResponse({ description: 'The name is used on that server (`name`), or a domain by any application (`domains`)' })
  async update(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string, @Body() body: UpdateApplicationDto): Promise<ApplicationDto> {
    const { team } = await this.access.requireFor(caller, this.rows, id, Ability.Write);
    return this.applications.update(caller, team, id, body);
  }

  @Post(':applicationId/deploy-key')
  @ApiOperation({
    summary:
      "Generate an ed25519 deploy key for this application (kept as a team SSH key) and use it; paste the public key into the provider's deploy keys",
  })
  @ApiCreatedResponse({ type: GeneratedDeployKeyDoc })
  async generateDeployKey(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string): Promise<GeneratedDeployKeyResponse> {
    const { team } = await this.access.requireFor(caller, this.rows, id, Ability.Write);
    return this.applications.generateDeployKey(caller, team, id);
  }

  @Post(':applicationId/git-host-key/forget')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Forget the git host's pinned key on purpose (the provider rotated it): the next ssh clone trusts and pins the key it is shown",
  })
  @ApiOkResponse({ type: ApplicationDoc })
  async forgetGitHostKey(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string): Promise<ApplicationDto> {
    const { team } = await this.access.requireFor(caller, this.rows, id, Ability.Write);
    return this.applications.forgetGitHostKey(caller, team, id);
  }

  @Delete(':applicationId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary:
      'Delete an application with its domains, variables and mounts; its containers and images go from the server, its named volumes only with deleteVolumes=true (else they stay, listed as orphaned)',
  })
  @ApiNoContentResponse()
  async delete(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string, @Query() query: DeleteApplicationQueryDto): Promise<void> {
    const { team } = await this.access.requireFor(caller, this.rows, id, Ability.Write);
    await this.applications.delete(caller, team, id, { deleteVolumes: query.deleteVolumes === 'true' });
  }
}
