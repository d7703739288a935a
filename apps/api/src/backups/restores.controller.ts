import { Controller, Get, Query } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Ability, type Paginated, type RestoreDto, type RestoreWithLogDto, TEAM_HEADER } from '@zpanel/contracts';
import { RestoresRepository } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { UuidParam } from '../access/team-params';
import { RestoreListQueryDto, RestorePageDoc, RestoreWithLogDoc } from './backups.dto';
import { BackupsService } from './backups.service';
import { TeamResourceApi } from '../http/team-resource-api';

/** Restores of the team's backups (docs/backups.md, "Routes"): queued from a backup or an uploaded dump, run by the worker. */
@TeamResourceApi('backups', 'No such restore (or one of another team)')
@Controller('restores')
export class RestoresController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly backups: BackupsService,
    private readonly rows: RestoresRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: "The team's restores and verifications, newest first (without their logs)" })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: RestorePageDoc })
  async list(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string, @Query() query: RestoreListQueryDto): Promise<Paginated<RestoreDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Read);
    return this.backups.listRestores(team, query);
  }

  @Get(':restoreId')
  @ApiOperation({
    summary: 'One restore with its log',
    description: 'The live subscription `{ kind: "restore", restoreId }` streams the log and status while it runs.',
  })
  @ApiOkResponse({ type: RestoreWithLogDoc })
  async get(@CurrentCaller() caller: Caller, @UuidParam('restoreId') id: string): Promise<RestoreWithLogDto> {
    const { team } = await this.access.requireFor(caller, this.rows, id, Ability.Read);
    return this.backups.getRestore(team, id);
  }
}
