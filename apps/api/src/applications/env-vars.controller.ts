import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put, type Type } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Ability, type EnvVarDto, type EnvVarScope } from '@zpanel/contracts';
import { ApplicationsRepository, EnvironmentsRepository, type TeamScope } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { UuidParam } from '../access/team-params';
import { BulkEnvDto, EnvVarDoc, UpsertEnvVarDto } from './env-vars.dto';
import { EnvVarsService } from './env-vars.service';
import { EnvKeyPipe } from './field-validation';

const KEY_PARAM = { name: 'key', example: 'DATABASE_URL', description: 'Letters, digits and _, not starting with a digit' };

/** What differs between the owners of variables: where they live, and how their routes read. */
export interface EnvVarsRoutesSpec {
  scope: EnvVarScope;
  /** Route below /api/v1, with the owner's id as `:<param>`. */
  path: string;
  param: 'applicationId' | 'environmentId';
  tag: string;
  summaries: { list: string; replace: string; upsert: string; remove: string };
}

/**
 * The four routes of one owner's variables (list, replace with a .env text, set one, delete one),
 * authorized on the owner's team: an environment's shared ones, an application's own (whose list
 * shows what it gets, the shared ones included), and an application's preview overrides.
 */
export function envVarsController(spec: EnvVarsRoutesSpec): Type<unknown> {
  const idParam = () => UuidParam(spec.param);

  @ApiTags(spec.tag)
  @ApiBearerAuth()
  @Controller(spec.path)
  class EnvVarsRoutes {
    constructor(
      readonly access: TeamAccessService,
      readonly env: EnvVarsService,
      readonly environments: EnvironmentsRepository,
      readonly applications: ApplicationsRepository,
    ) {}

    /** The owner's team, and whether the caller may see values. */
    async authorize(caller: Caller, id: string, ability: Ability): Promise<{ team: TeamScope; reveal: boolean }> {
      const owners = spec.scope === 'environment' ? this.environments : this.applications;
      const actor = await this.access.requireFor(caller, owners, id, ability);
      return { team: actor.team, reveal: actor.abilities.includes(Ability.ReadSensitive) };
    }

    /** An application's own list shows what it gets; the other owners list their own rows. */
    shown(team: TeamScope, id: string, reveal: boolean): Promise<EnvVarDto[]> {
      return spec.scope === 'application' ? this.env.effective(team, id, reveal) : this.env.list(team, { scope: spec.scope, id }, reveal);
    }

    @Get()
    @ApiOperation({ summary: spec.summaries.list })
    @ApiOkResponse({ type: [EnvVarDoc] })
    async list(@CurrentCaller() caller: Caller, @idParam() id: string): Promise<EnvVarDto[]> {
      const { team, reveal } = await this.authorize(caller, id, Ability.Read);
      return this.shown(team, id, reveal);
    }

    @Put()
    @ApiOperation({ summary: spec.summaries.replace })
    @ApiOkResponse({ type: [EnvVarDoc], description: 'The variables afterwards, as the list shows them' })
    @ApiBadRequestResponse({ description: 'One error per problem, field `dotenv`, message `line N: …`; nothing changed' })
    async replace(@CurrentCaller() caller: Caller, @idParam() id: string, @Body() body: BulkEnvDto): Promise<EnvVarDto[]> {
      const { team, reveal } = await this.authorize(caller, id, Ability.Write);
      await this.env.replace(caller, team, { scope: spec.scope, id }, body);
      return this.shown(team, id, reveal);
    }

    @Put(':key')
    @ApiOperation({ summary: spec.summaries.upsert })
    @ApiParam(KEY_PARAM)
    @ApiOkResponse({ type: EnvVarDoc })
    async upsert(
      @CurrentCaller() caller: Caller,
      @idParam() id: string,
      @Param('key', EnvKeyPipe) key: string,
      @Body() body: UpsertEnvVarDto,
    ): Promise<EnvVarDto> {
      const { team, reveal } = await this.authorize(caller, id, Ability.Write);
      return this.env.upsert(caller, team, { scope: spec.scope, id }, key, body, reveal);
    }

    @Delete(':key')
    @HttpCode(HttpStatus.NO_CONTENT)
    @ApiOperation({ summary: spec.summaries.remove })
    @ApiParam(KEY_PARAM)
    @ApiNoContentResponse()
    async remove(@CurrentCaller() caller: Caller, @idParam() id: string, @Param('key', EnvKeyPipe) key: string): Promise<void> {
      const { team } = await this.authorize(caller, id, Ability.Write);
      await this.env.remove(caller, team, { scope: spec.scope, id }, key);
    }
  }
  // Distinct class names keep Nest's providers and Swagger's operation ids apart.
  Object.defineProperty(EnvVarsRoutes, 'name', { value: `${spec.scope[0].toUpperCase()}${spec.scope.slice(1)}EnvController` });
  return EnvVarsRoutes;
}

export const ApplicationEnvController = envVarsController({
  scope: 'application',
  path: 'applications/:applicationId/env',
  param: 'applicationId',
  tag: 'applications',
  summaries: {
    list: "The variables the application gets: its environment's shared ones, overridden by its own (values need read:sensitive)",
    replace: "Replace the application's own variables with a .env text",
    upsert: 'Set one of the application’s own variables',
    remove: 'Delete one of the application’s own variables (a shared one of the same key then applies)',
  },
});

export const EnvironmentEnvController = envVarsController({
  scope: 'environment',
  path: 'environments/:environmentId/env',
  param: 'environmentId',
  tag: 'projects',
  summaries: {
    list: "The environment's shared variables (values need read:sensitive)",
    replace: "Replace the environment's shared variables with a .env text",
    upsert: 'Set one shared variable',
    remove: 'Delete one shared variable',
  },
});

export const PreviewEnvController = envVarsController({
  scope: 'preview',
  path: 'applications/:applicationId/preview-env',
  param: 'applicationId',
  tag: 'previews',
  summaries: {
    list: "The application's preview overrides: they win over its own and its environment's variables, in its previews only (values need read:sensitive)",
    replace: "Replace the application's preview overrides with a .env text",
    upsert: 'Set one preview override',
    remove: 'Delete one preview override',
  },
});
