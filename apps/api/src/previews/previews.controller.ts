import { Controller, Delete, Get, HttpCode, HttpStatus, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ability, type Paginated, type PreviewDto } from '@zpanel/contracts';
import { PreviewPageDoc } from '../applications/applications.dto';
import { ApplicationsRepository } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { TeamAccessService } from '../access/team-access.service';
import { UuidParam } from '../access/team-params';
import { PreviewsService } from './previews.service';

/** An application's previews; their variable overrides are under `preview-env` (env-vars.controller.ts). */
@ApiTags('previews')
@ApiBearerAuth()
@Controller('applications/:applicationId/previews')
export class PreviewsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly applications: ApplicationsRepository,
    private readonly previews: PreviewsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Previews of the application, one per open pull request, most recently updated first, with their newest deployment' })
  @ApiOkResponse({ type: PreviewPageDoc })
  async list(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string, @Query() query: PageQueryDto): Promise<Paginated<PreviewDto>> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Read);
    return this.previews.list(team, id, query);
  }

  @Delete(':previewId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Remove a preview now: its container, route and images (the pull request's next update deploys it again)" })
  @ApiNoContentResponse()
  async remove(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string, @UuidParam('previewId') previewId: string): Promise<void> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Write);
    await this.previews.delete(caller, team, id, previewId);
  }
}
