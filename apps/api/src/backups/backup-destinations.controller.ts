import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { Ability, type BackupDestinationCheckDto, type BackupDestinationDto, type BackupDestinationKeyDto, TEAM_HEADER } from '@zpanel/contracts';
import { BackupDestinationsRepository, type TeamScope } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { UuidParam } from '../access/team-params';
import { ProblemResponseDto } from '../http/problem-response.dto';
import {
  BackupDestinationCheckDoc,
  BackupDestinationDoc,
  BackupDestinationKeyDoc,
  CreateBackupDestinationDto,
  UpdateBackupDestinationDto,
} from './backup-destinations.dto';
import { BackupDestinationsService } from './backup-destinations.service';
import { TeamResourceApi } from '../http/team-resource-api';

const CHECKED =
  'The storage is checked first (the worker writes, reads back and deletes a small object); when that fails the answer is 400 with the storage’s own words and nothing is saved.';

/** Where a team's backups are stored (docs/backups.md, "Destinations"): reading needs `read`, changing `write`, the data key `read:sensitive`. */
@TeamResourceApi('backups', 'No such backup destination (or one of another team)')
@Controller('backup-destinations')
export class BackupDestinationsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly destinations: BackupDestinationsService,
    private readonly rows: BackupDestinationsRepository,
  ) {}

  private async authorize(caller: Caller, id: string, ability: Ability): Promise<TeamScope> {
    return (await this.access.requireFor(caller, this.rows, id, ability)).team;
  }

  @Get()
  @ApiOperation({ summary: "The team's backup destinations by name (never a secret key nor the data key)" })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: [BackupDestinationDoc] })
  async list(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string): Promise<BackupDestinationDto[]> {
    const { team } = await this.access.require(caller, teamId, Ability.Read);
    return this.destinations.list(team);
  }

  @Post()
  @ApiOperation({ summary: 'Add an S3-compatible bucket or a directory on one of the team’s servers', description: `${CHECKED} Audited.` })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiCreatedResponse({ type: BackupDestinationDoc })
  @ApiBadRequestResponse({
    type: ProblemResponseDto,
    description: 'A field failed its rule (errors name each field), or the storage refused the check',
  })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The name is taken in the team (`name`), or the team has 50 destinations' })
  async create(
    @CurrentCaller() caller: Caller,
    @TeamFromHeader() teamId: string,
    @Body() body: CreateBackupDestinationDto,
  ): Promise<BackupDestinationDto> {
    const { team } = await this.access.require(caller, teamId, Ability.Write);
    return this.destinations.create(caller, team, body);
  }

  @Get(':destinationId')
  @ApiOperation({ summary: 'One backup destination' })
  @ApiOkResponse({ type: BackupDestinationDoc })
  async get(@CurrentCaller() caller: Caller, @UuidParam('destinationId') id: string): Promise<BackupDestinationDto> {
    return this.destinations.get(await this.authorize(caller, id, Ability.Read), id);
  }

  @Patch(':destinationId')
  @ApiOperation({
    summary: 'Rename a destination or change its settings',
    description: `Only what is sent changes. A change of S3 settings or of the path: ${CHECKED}`,
  })
  @ApiOkResponse({ type: BackupDestinationDoc })
  @ApiBadRequestResponse({
    type: ProblemResponseDto,
    description: 'A field failed its rule, is not one of the destination’s kind, or the storage refused the check',
  })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The name is taken in the team' })
  async update(
    @CurrentCaller() caller: Caller,
    @UuidParam('destinationId') id: string,
    @Body() body: UpdateBackupDestinationDto,
  ): Promise<BackupDestinationDto> {
    return this.destinations.update(caller, await this.authorize(caller, id, Ability.Write), id, body);
  }

  @Delete(':destinationId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a destination (its stored objects are left in place)', description: 'Audited.' })
  @ApiNoContentResponse()
  @ApiConflictResponse({
    type: ProblemResponseDto,
    description: 'Backup schedules write there, or it holds backups (queued, running or succeeded): delete them first',
  })
  async remove(@CurrentCaller() caller: Caller, @UuidParam('destinationId') id: string): Promise<void> {
    await this.destinations.remove(caller, await this.authorize(caller, id, Ability.Write), id);
  }

  @Post(':destinationId/check')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Check the saved destination again: write, read back and delete a small object',
    description: 'A failure is `ok: false` with the storage’s words, not an error.',
  })
  @ApiOkResponse({ type: BackupDestinationCheckDoc })
  async check(@CurrentCaller() caller: Caller, @UuidParam('destinationId') id: string): Promise<BackupDestinationCheckDto> {
    return this.destinations.check(await this.authorize(caller, id, Ability.Write), id);
  }

  @Get(':destinationId/key')
  @ApiOperation({
    summary: 'The data key that encrypts this destination’s backups',
    description:
      'Needs `read:sensitive`; every read is audited. With it a backup decrypts without Zpanel (docs/backups.md, "Decrypting without Zpanel").',
  })
  @ApiOkResponse({ type: BackupDestinationKeyDoc })
  async key(@CurrentCaller() caller: Caller, @UuidParam('destinationId') id: string): Promise<BackupDestinationKeyDto> {
    return this.destinations.key(caller, await this.authorize(caller, id, Ability.ReadSensitive), id);
  }
}
