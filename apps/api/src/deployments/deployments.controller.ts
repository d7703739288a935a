import { Body, Controller, Get, Header, HttpCode, HttpStatus, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { Ability, type DeploymentDto, type DeploymentLogPage, type Paginated } from '@zpanel/contracts';
import { ApplicationsRepository, DeploymentsRepository, type TeamScope } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { TeamAccessService } from '../access/team-access.service';
import { UuidParam } from '../access/team-params';
import { CreateDeploymentDto, DeploymentDoc, DeploymentLogPageDoc, DeploymentLogQueryDto, DeploymentPageDoc } from './deployments.dto';
import { DeploymentsService } from './deployments.service';
import { TeamResourceApi } from '../http/team-resource-api';

@TeamResourceApi('deployments', 'No such application or deployment (or one of another team)')
@Controller('applications/:applicationId/deployments')
export class ApplicationDeploymentsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly deployments: DeploymentsService,
    private readonly applications: ApplicationsRepository,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Deploy the application',
    description:
      'Queues a deployment: clone (the branch head, or `commit`) and build, or take the image reference (with `imageTag` in place of its own tag, e.g. what CI just pushed); start the new container beside the old one, health-check it, move the app’s network alias to it, retire the old one. A still-queued deployment of the application is superseded. Needs the `deploy` ability. Follow it with the live subscription `{ kind: "deployment-logs", deploymentId }`.',
  })
  @ApiAcceptedResponse({ type: DeploymentDoc, description: 'The deployment, queued' })
  @ApiBadRequestResponse({
    type: ProblemResponseDto,
    description:
      '`commit` is not a commit hash or the application is not built from git; `imageTag` is not a Docker tag, the application does not run an image, or both were sent',
  })
  async create(
    @CurrentCaller() caller: Caller,
    @UuidParam('applicationId') applicationId: string,
    @Body() body: CreateDeploymentDto,
  ): Promise<DeploymentDto> {
    const { team } = await this.access.requireFor(caller, this.applications, applicationId, Ability.Deploy);
    return this.deployments.create(caller, team, applicationId, {
      trigger: caller.kind === 'token' ? 'api' : 'manual',
      commit: body.commit,
      imageTag: body.imageTag,
    });
  }

  @Get()
  @ApiOperation({ summary: 'The application’s deployments, newest first' })
  @ApiOkResponse({ type: DeploymentPageDoc })
  async list(
    @CurrentCaller() caller: Caller,
    @UuidParam('applicationId') applicationId: string,
    @Query() query: PageQueryDto,
  ): Promise<Paginated<DeploymentDto>> {
    const { team } = await this.access.requireFor(caller, this.applications, applicationId, Ability.Read);
    return this.deployments.list(team, applicationId, query);
  }
}

@TeamResourceApi('deployments', 'No such deployment (or one of another team)')
@Controller('deployments/:deploymentId')
export class DeploymentsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly deployments: DeploymentsService,
    private readonly rows: DeploymentsRepository,
  ) {}

  private async authorize(caller: Caller, deploymentId: string, ability: Ability): Promise<TeamScope> {
    return (await this.access.requireFor(caller, this.rows, deploymentId, ability)).team;
  }

  @Get()
  @ApiOperation({ summary: 'One deployment' })
  @ApiOkResponse({ type: DeploymentDoc })
  async get(@CurrentCaller() caller: Caller, @UuidParam('deploymentId') deploymentId: string): Promise<DeploymentDto> {
    const team = await this.authorize(caller, deploymentId, Ability.Read);
    return this.deployments.get(team, deploymentId);
  }

  @Post('cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Cancel a deployment',
    description:
      'A queued deployment is cancelled at once; a running one stops within about a second (the build stream is aborted, the new container removed; the old one keeps serving), and `cancelRequested` is true until then.',
  })
  @ApiAcceptedResponse({ type: DeploymentDoc })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The deployment already finished' })
  async cancel(@CurrentCaller() caller: Caller, @UuidParam('deploymentId') deploymentId: string): Promise<DeploymentDto> {
    const team = await this.authorize(caller, deploymentId, Ability.Deploy);
    return this.deployments.cancel(caller, team, deploymentId);
  }

  @Post('rollback')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Roll back to this deployment',
    description:
      'Queues a new deployment (trigger `rollback`) that runs this deployment’s kept image again: start, health check, promote, retire; no clone, no build.',
  })
  @ApiAcceptedResponse({ type: DeploymentDoc, description: 'The rollback deployment, queued' })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The deployment did not succeed, or its image is no longer kept' })
  async rollback(@CurrentCaller() caller: Caller, @UuidParam('deploymentId') deploymentId: string): Promise<DeploymentDto> {
    const team = await this.authorize(caller, deploymentId, Ability.Deploy);
    return this.deployments.rollback(caller, team, deploymentId);
  }

  @Get('logs')
  @ApiOperation({
    summary: 'A page of the deployment’s log',
    description: 'Lines after `afterSeq` in order, secret values redacted. Follow live with `{ kind: "deployment-logs", deploymentId, afterSeq }`.',
  })
  @ApiOkResponse({ type: DeploymentLogPageDoc })
  async logs(
    @CurrentCaller() caller: Caller,
    @UuidParam('deploymentId') deploymentId: string,
    @Query() query: DeploymentLogQueryDto,
  ): Promise<DeploymentLogPage> {
    const team = await this.authorize(caller, deploymentId, Ability.Read);
    return this.deployments.logs(team, deploymentId, query.afterSeq, query.limit);
  }

  @Get('logs/download')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'The whole log as text', description: 'Every stored line in order, one per line, streamed.' })
  @ApiOkResponse({
    description: 'The log',
    schema: { type: 'string', example: '==> Cloning https://git.example.com/shop.git at 4f2a9c1\nStep 1/4 : FROM node:20\n' },
  })
  async download(@CurrentCaller() caller: Caller, @UuidParam('deploymentId') deploymentId: string): Promise<StreamableFile> {
    const team = await this.authorize(caller, deploymentId, Ability.Read);
    return new StreamableFile(this.deployments.download(team, deploymentId), {
      type: 'text/plain; charset=utf-8',
      disposition: `attachment; filename="deployment-${deploymentId}.log"`,
    });
  }
}
