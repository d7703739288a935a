import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Ability, type EnvVarDto, type Paginated, type PreviewDto } from '@zpanel/contracts';
import { PreviewPageDoc } from '../applications/applications.dto';
import { ApplicationsService } from '../applications/applications.service';
import { BulkEnvDto, EnvVarDoc, UpsertEnvVarDto } from '../applications/env-vars.dto';
import { type EnvOwner, EnvVarsService } from '../applications/env-vars.service';
import { EnvKeyPipe } from '../applications/field-validation';
import { type Caller, CurrentCaller } from '../auth/caller';
import { PageQueryDto } from '../http/pagination';
import { TeamAccessService } from '../teams/team-access.service';
import { uuidParam } from '../teams/team-params';
import { PreviewsService } from './previews.service';

const KEY_PARAM = { name: 'key', example: 'DATABASE_URL', description: 'Letters, digits and _, not starting with a digit' };

@ApiTags('previews')
@ApiBearerAuth()
@Controller('applications/:applicationId')
export class PreviewsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly applications: ApplicationsService,
    private readonly previews: PreviewsService,
    private readonly env: EnvVarsService,
  ) {}

  private async authorize(caller: Caller, id: string, ability: Ability): Promise<{ owner: EnvOwner; reveal: boolean }> {
    const actor = await this.access.requireForResource(caller, await this.applications.teamOf(id), ability, 'application');
    return { owner: { scope: 'preview', id }, reveal: actor.abilities.includes(Ability.ReadSensitive) };
  }

  @Get('previews')
  @ApiOperation({ summary: 'Previews of the application, one per open pull request, most recently updated first, with their newest deployment' })
  @ApiOkResponse({ type: PreviewPageDoc })
  async list(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string, @Query() query: PageQueryDto): Promise<Paginated<PreviewDto>> {
    await this.authorize(caller, id, Ability.Read);
    return this.previews.list(id, query);
  }

  @Delete('previews/:previewId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Remove a preview now: its container, route and images (the pull request's next update deploys it again)" })
  @ApiNoContentResponse()
  async remove(
    @CurrentCaller() caller: Caller,
    @Param('applicationId', uuidParam('applicationId')) id: string,
    @Param('previewId', uuidParam('previewId')) previewId: string,
  ): Promise<void> {
    await this.authorize(caller, id, Ability.Write);
    await this.previews.delete(caller, id, previewId);
  }

  @Get('preview-env')
  @ApiOperation({ summary: "The application's preview overrides: they win over its own and its environment's variables, in its previews only (values need read:sensitive)" })
  @ApiOkResponse({ type: [EnvVarDoc] })
  async listEnv(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string): Promise<EnvVarDto[]> {
    const { owner, reveal } = await this.authorize(caller, id, Ability.Read);
    return this.env.list(owner, reveal);
  }

  @Put('preview-env')
  @ApiOperation({ summary: "Replace the application's preview overrides with a .env text" })
  @ApiOkResponse({ type: [EnvVarDoc] })
  @ApiBadRequestResponse({ description: 'One error per problem, field `dotenv`, message `line N: …`; nothing changed' })
  async replaceEnv(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string, @Body() body: BulkEnvDto): Promise<EnvVarDto[]> {
    const { owner, reveal } = await this.authorize(caller, id, Ability.Write);
    await this.env.replace(caller, owner, body);
    return this.env.list(owner, reveal);
  }

  @Put('preview-env/:key')
  @ApiOperation({ summary: 'Set one preview override' })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: EnvVarDoc })
  async upsertEnv(
    @CurrentCaller() caller: Caller,
    @Param('applicationId', uuidParam('applicationId')) id: string,
    @Param('key', EnvKeyPipe) key: string,
    @Body() body: UpsertEnvVarDto,
  ): Promise<EnvVarDto> {
    const { owner, reveal } = await this.authorize(caller, id, Ability.Write);
    return this.env.upsert(caller, owner, key, body, reveal);
  }

  @Delete('preview-env/:key')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete one preview override' })
  @ApiParam(KEY_PARAM)
  @ApiNoContentResponse()
  async removeEnv(@CurrentCaller() caller: Caller, @Param('applicationId', uuidParam('applicationId')) id: string, @Param('key', EnvKeyPipe) key: string): Promise<void> {
    const { owner } = await this.authorize(caller, id, Ability.Write);
    await this.env.remove(caller, owner, key);
  }
}
