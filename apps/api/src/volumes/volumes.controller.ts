import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Ability, type MountDto, type OrphanedVolumeDto, type VolumeDto, type VolumeUsageDto } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { ApplicationsRepository, ServersRepository } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { UuidParam } from '../access/team-params';
import { CreateMountDto, CreateVolumeDto, MountDoc, OrphanedVolumeDoc, UpdateMountDto, VolumeDoc, VolumeUsageDoc } from './volumes.dto';
import { VolumesService } from './volumes.service';

/** A Docker volume name as Zpanel makes them (`<prefix>-volume-<32 hex>-<name>`); anything else is no volume of ours. */
const DOCKER_VOLUME_NAME = /^[a-z][a-z0-9-]{0,19}-volume-[0-9a-f]{32}-[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

@ApiTags('applications')
@ApiBearerAuth()
@Controller('applications/:applicationId/volumes')
export class ApplicationVolumesController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly volumes: VolumesService,
    private readonly applications: ApplicationsRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: "The application's named volumes (kept across redeploys, rollbacks and restarts)" })
  @ApiOkResponse({ type: [VolumeDoc] })
  async list(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string): Promise<VolumeDto[]> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Read);
    return this.volumes.listVolumes(team, id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a named volume, mounted from the next deployment on' })
  @ApiCreatedResponse({ type: VolumeDoc })
  @ApiBadRequestResponse({ description: 'name or mountPath fails its rules (errors name the field)' })
  @ApiConflictResponse({
    description: 'The name or path is used by another mount of the application, the application is a preview, or it has the most mounts allowed',
  })
  async create(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string, @Body() body: CreateVolumeDto): Promise<VolumeDto> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Write);
    return this.volumes.addVolume(caller, team, id, body);
  }

  @Get('usage')
  @ApiOperation({ summary: "Whether each volume exists on the server yet, and its size (asked of the server's Docker through the worker)" })
  @ApiOkResponse({ type: [VolumeUsageDoc] })
  @ApiServiceUnavailableResponse({ description: 'The worker or the server did not answer in time' })
  async usage(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string): Promise<VolumeUsageDto[]> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Read);
    return this.volumes.volumeUsage(team, id);
  }

  @Delete(':volumeId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Stop mounting a volume from the next deployment on; its data stays on the server, listed as orphaned until removed there',
  })
  @ApiNoContentResponse()
  async remove(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string, @UuidParam('volumeId') volumeId: string): Promise<void> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Write);
    await this.volumes.removeVolume(caller, team, id, volumeId);
  }
}

@ApiTags('applications')
@ApiBearerAuth()
@Controller('applications/:applicationId/mounts')
export class ApplicationMountsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly volumes: VolumesService,
    private readonly applications: ApplicationsRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: "The application's bind mounts and files (a secret file's content is never returned)" })
  @ApiOkResponse({ type: [MountDoc] })
  async list(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string): Promise<MountDto[]> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Read);
    return this.volumes.listMounts(team, id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a bind mount of a host path under an allowed root, or a small file; used from the next deployment on' })
  @ApiCreatedResponse({ type: MountDoc })
  @ApiBadRequestResponse({
    description: 'A path fails its rules, the host path is not under an allowed root, or the content is too big (errors name the field)',
  })
  @ApiConflictResponse({ description: 'The path is used by another mount, the application is a preview, or it has the most mounts allowed' })
  async create(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string, @Body() body: CreateMountDto): Promise<MountDto> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Write);
    return this.volumes.addMount(caller, team, id, body);
  }

  @Patch(':mountId')
  @ApiOperation({ summary: 'Change a bind mount or a file; only what is sent changes (the kind cannot)' })
  @ApiOkResponse({ type: MountDoc })
  @ApiBadRequestResponse({ description: 'A field fails its rules or does not apply to the kind (errors name the field)' })
  async update(
    @CurrentCaller() caller: Caller,
    @UuidParam('applicationId') id: string,
    @UuidParam('mountId') mountId: string,
    @Body() body: UpdateMountDto,
  ): Promise<MountDto> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Write);
    return this.volumes.updateMount(caller, team, id, mountId, body);
  }

  @Delete(':mountId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a bind mount or a file from the next deployment on (nothing on the host is touched)' })
  @ApiNoContentResponse()
  async remove(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string, @UuidParam('mountId') mountId: string): Promise<void> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Write);
    await this.volumes.removeMount(caller, team, id, mountId);
  }
}

@ApiTags('servers')
@ApiBearerAuth()
@Controller('servers/:serverId/volumes')
export class ServerVolumesController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly volumes: VolumesService,
    private readonly servers: ServersRepository,
  ) {}

  @Get('orphaned')
  @ApiOperation({
    summary:
      "The team's volumes on the server that no application mounts any more (its application deleted, or the volume removed from it), with their size",
  })
  @ApiOkResponse({ type: [OrphanedVolumeDoc] })
  @ApiServiceUnavailableResponse({ description: 'The worker or the server did not answer in time' })
  async orphaned(@CurrentCaller() caller: Caller, @UuidParam('serverId') id: string): Promise<OrphanedVolumeDto[]> {
    const { team } = await this.access.requireFor(caller, this.servers, id, Ability.Read);
    return this.volumes.orphaned(team, id);
  }

  @Delete(':dockerName')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove an orphaned volume of the team from the server, with its data' })
  @ApiParam({ name: 'dockerName', example: 'zp-volume-0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b-data' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'A container still uses it' })
  async remove(@CurrentCaller() caller: Caller, @UuidParam('serverId') id: string, @Param('dockerName') dockerName: string): Promise<void> {
    const { team } = await this.access.requireFor(caller, this.servers, id, Ability.Write);
    if (!DOCKER_VOLUME_NAME.test(dockerName))
      throw AppException.validation([{ field: 'dockerName', message: 'dockerName must be the name of a volume Zpanel made for an application' }]);
    await this.volumes.removeOrphan(caller, team, id, dockerName);
  }
}
