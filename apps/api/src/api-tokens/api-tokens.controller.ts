import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ability, type ApiTokenDto, type CreatedApiTokenResponse, ErrorCode, type Paginated } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { ApiTokensService } from './api-tokens.service';
import { type Caller, CurrentCaller } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { ApiTokenPageDoc, CreateApiTokenDto, CreatedApiTokenDoc } from './api-tokens.dto';
import { TeamAccessService } from '../access/team-access.service';
import { UuidParam } from '../access/team-params';

@ApiTags('api tokens')
@ApiBearerAuth()
@Controller('teams/:teamId/api-tokens')
export class ApiTokensController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly tokens: ApiTokensService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'API tokens of the team (admins see all, others their own); secrets are never shown again' })
  @ApiOkResponse({ type: ApiTokenPageDoc })
  async list(@CurrentCaller() caller: Caller, @UuidParam('teamId') teamId: string, @Query() query: PageQueryDto): Promise<Paginated<ApiTokenDto>> {
    const actor = await this.access.require(caller, teamId, Ability.Read);
    return this.tokens.list(actor.team, { userId: actor.userId, isAdmin: actor.abilities.includes(Ability.Admin) }, query);
  }

  /** Only people create tokens: a token minting tokens would outlive any revocation of itself. */
  @Post()
  @ApiOperation({ summary: 'Create an API token bound to this team; abilities cannot exceed your role; the secret is returned once' })
  @ApiCreatedResponse({ type: CreatedApiTokenDoc })
  async create(
    @CurrentCaller() caller: Caller,
    @UuidParam('teamId') teamId: string,
    @Body() body: CreateApiTokenDto,
  ): Promise<CreatedApiTokenResponse> {
    // Tenancy first: another team's token must see a 404 here, like everywhere.
    const actor = await this.access.require(caller, teamId, Ability.Read);
    if (caller.kind !== 'user') throw new AppException(ErrorCode.Forbidden, 'API tokens cannot create API tokens');
    return this.tokens.create(actor, body);
  }

  @Delete(':tokenId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Revoke an API token (its creator, or an admin)',
    description: 'An API token may revoke itself; another token only if it holds `write` and every ability of that token (403 otherwise).',
  })
  @ApiNoContentResponse()
  async revoke(@CurrentCaller() caller: Caller, @UuidParam('teamId') teamId: string, @UuidParam('tokenId') tokenId: string): Promise<void> {
    const actor = await this.access.require(caller, teamId, Ability.Read);
    await this.tokens.revoke(actor.team, tokenId, {
      userId: actor.userId,
      isAdmin: actor.abilities.includes(Ability.Admin),
      abilities: actor.abilities,
      caller,
    });
  }
}
