import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Ability, DEFAULT_ENVIRONMENT, type EnvironmentDto, type Paginated, type ProjectDto, TEAM_HEADER } from '@zpanel/contracts';
import { type Caller, CurrentCaller } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { UuidParam } from '../access/team-params';
import {
  CreateEnvironmentDto,
  CreateProjectDto,
  EnvironmentDoc,
  EnvironmentPageDoc,
  ProjectDoc,
  ProjectPageDoc,
  UpdateProjectDto,
} from './projects.dto';
import { ProjectsService } from './projects.service';
import { EnvironmentsRepository, ProjectsRepository } from '@zpanel/database';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('projects')
export class ProjectsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly projects: ProjectsService,
    private readonly projectRows: ProjectsRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: "The team's projects, with how many environments and applications each has" })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: ProjectPageDoc })
  async list(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Query() query: PageQueryDto): Promise<Paginated<ProjectDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Read);
    return this.projects.list(team, query);
  }

  @Post()
  @ApiOperation({ summary: `Create a project; its \`${DEFAULT_ENVIRONMENT}\` environment is created with it` })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiCreatedResponse({ type: ProjectDoc })
  @ApiConflictResponse({ description: 'The team already has a project with this name (errors name `name`)' })
  async create(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Body() body: CreateProjectDto): Promise<ProjectDto> {
    const { team } = await this.access.require(caller, teamId, Ability.Write);
    return this.projects.create(caller, team, body);
  }

  @Get(':projectId')
  @ApiOperation({ summary: 'One project' })
  @ApiOkResponse({ type: ProjectDoc })
  async get(@CurrentCaller() caller: Caller, @UuidParam('projectId') id: string): Promise<ProjectDto> {
    const { team } = await this.access.requireFor(caller, this.projectRows, id, Ability.Read);
    return this.projects.get(team, id);
  }

  @Patch(':projectId')
  @ApiOperation({ summary: 'Rename or describe a project' })
  @ApiOkResponse({ type: ProjectDoc })
  @ApiConflictResponse({ description: 'The team already has a project with this name (errors name `name`)' })
  async update(@CurrentCaller() caller: Caller, @UuidParam('projectId') id: string, @Body() body: UpdateProjectDto): Promise<ProjectDto> {
    const { team } = await this.access.requireFor(caller, this.projectRows, id, Ability.Write);
    return this.projects.update(caller, team, id, body);
  }

  @Delete(':projectId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a project with its environments and their shared variables' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'The project still has applications' })
  async delete(@CurrentCaller() caller: Caller, @UuidParam('projectId') id: string): Promise<void> {
    const { team } = await this.access.requireFor(caller, this.projectRows, id, Ability.Write);
    await this.projects.delete(caller, team, id);
  }

  @Get(':projectId/environments')
  @ApiOperation({ summary: "A project's environments, oldest first" })
  @ApiOkResponse({ type: EnvironmentPageDoc })
  async environments(
    @CurrentCaller() caller: Caller,
    @UuidParam('projectId') id: string,
    @Query() query: PageQueryDto,
  ): Promise<Paginated<EnvironmentDto>> {
    const { team } = await this.access.requireFor(caller, this.projectRows, id, Ability.Read);
    return this.projects.listEnvironments(team, id, query);
  }

  @Post(':projectId/environments')
  @ApiOperation({ summary: 'Add an environment (staging, preview…) to a project' })
  @ApiCreatedResponse({ type: EnvironmentDoc })
  @ApiConflictResponse({ description: 'The project already has an environment with this name (errors name `name`)' })
  async createEnvironment(
    @CurrentCaller() caller: Caller,
    @UuidParam('projectId') id: string,
    @Body() body: CreateEnvironmentDto,
  ): Promise<EnvironmentDto> {
    const { team } = await this.access.requireFor(caller, this.projectRows, id, Ability.Write);
    return this.projects.createEnvironment(caller, team, id, body);
  }
}

@ApiTags('projects')
@ApiBearerAuth()
@Controller('environments')
export class EnvironmentsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly projects: ProjectsService,
    private readonly environments: EnvironmentsRepository,
  ) {}

  @Delete(':environmentId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an environment and its shared variables' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: "The environment still has applications, or it is its project's last one" })
  async delete(@CurrentCaller() caller: Caller, @UuidParam('environmentId') id: string): Promise<void> {
    const { team } = await this.access.requireFor(caller, this.environments, id, Ability.Write);
    await this.projects.deleteEnvironment(caller, team, id);
  }
}
