import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
} from '@nestjs/swagger';
import {
  Ability,
  type CreatedNotificationChannelResponse,
  type NotificationChannelDto,
  type NotificationDeliveryDto,
  type NotificationTestResultDto,
  type Paginated,
  TEAM_HEADER,
} from '@zpanel/contracts';
import { NotificationChannelsRepository, type TeamScope } from '@zpanel/database';
import { type Caller, CurrentCaller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { UuidParam } from '../access/team-params';
import { PageQueryDto } from '../http/pagination';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { TeamResourceApi } from '../http/team-resource-api';
import {
  CHANNEL_SETTINGS_DOCS,
  CreateNotificationChannelDto,
  CreatedNotificationChannelDoc,
  NotificationChannelDoc,
  NotificationChannelSecretsDoc,
  NotificationDeliveryPageDoc,
  NotificationTestResultDoc,
  TestNotificationChannelDto,
  UpdateNotificationChannelDto,
} from './notification-channels.dto';
import { NotificationChannelsService } from './notification-channels.service';

const INVALID =
  'A field failed its rule (errors name each: `name`, `settings.<field>`, `secrets.<field>`, `events`, `projectIds`, `environmentIds`), a filter names a project or environment that is not the team’s, or a URL or SMTP host points to an address the instance does not connect to; nothing is saved';
const TEST_RESULT =
  'The receiver’s answer: `ok: false` with its status and words when it refused or could not be reached (not an error). 503 when the worker did not answer in time.';

/**
 * Where a team's notifications go (docs/notifications.md, "Channels"): reading needs `read` (never a
 * secret), adding, changing, testing and deleting `admin`, since a channel sends the team's events
 * out of Zpanel.
 */
@TeamResourceApi('notifications', 'No such notification channel (or one of another team)')
@ApiExtraModels(...CHANNEL_SETTINGS_DOCS, NotificationChannelSecretsDoc)
@Controller('notification-channels')
export class NotificationChannelsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly channels: NotificationChannelsService,
    private readonly rows: NotificationChannelsRepository,
  ) {}

  private async authorize(caller: Caller, id: string, ability: Ability): Promise<TeamScope> {
    return (await this.access.requireFor(caller, this.rows, id, ability)).team;
  }

  @Get()
  @ApiOperation({ summary: "The team's notification channels by name (never a secret)" })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: [NotificationChannelDoc] })
  async list(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string): Promise<NotificationChannelDto[]> {
    const { team } = await this.access.require(caller, teamId, Ability.Read);
    return this.channels.list(team);
  }

  @Post()
  @ApiOperation({
    summary: 'Add a channel: email, Slack, Mattermost, Discord, Telegram, ntfy or a signed webhook',
    description:
      'Settings and secrets per kind (docs/notifications.md, "Channels"). A webhook channel created without `secrets.signingSecret` gets a generated one, returned once as `signingSecret` in this response and never again. Audited (never a secret).',
  })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiCreatedResponse({ type: CreatedNotificationChannelDoc })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: INVALID })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The name is taken in the team (`name`), or the team has 50 channels' })
  async create(
    @CurrentCaller() caller: Caller,
    @TeamFromHeader() teamId: string,
    @Body() body: CreateNotificationChannelDto,
  ): Promise<CreatedNotificationChannelResponse> {
    const { team } = await this.access.require(caller, teamId, Ability.Admin);
    return this.channels.create(caller, team, body);
  }

  @Post('test')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Send a test message with settings not saved yet',
    description: `The same checks as saving (a 400 names the field); nothing is saved. ${TEST_RESULT}`,
  })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: NotificationTestResultDoc })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: INVALID })
  @ApiServiceUnavailableResponse({ type: ProblemResponseDto, description: 'The worker did not answer in time' })
  async testUnsaved(
    @CurrentCaller() caller: Caller,
    @TeamFromHeader() teamId: string,
    @Body() body: TestNotificationChannelDto,
  ): Promise<NotificationTestResultDto> {
    const { team } = await this.access.require(caller, teamId, Ability.Admin);
    return this.channels.testUnsaved(team, body);
  }

  @Get(':channelId')
  @ApiOperation({ summary: 'One notification channel (never a secret)' })
  @ApiOkResponse({ type: NotificationChannelDoc })
  async get(@CurrentCaller() caller: Caller, @UuidParam('channelId') id: string): Promise<NotificationChannelDto> {
    return this.channels.get(await this.authorize(caller, id, Ability.Read), id);
  }

  @Patch(':channelId')
  @ApiOperation({
    summary: 'Change a channel',
    description:
      'Only what is sent changes: `settings` fields are merged over the stored ones, `secrets` fields replace the stored ones (null clears an optional one), the kind never changes. A changed URL or host passes the address policy again. Audited (the names of the changed fields, never a value).',
  })
  @ApiOkResponse({ type: NotificationChannelDoc })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: INVALID })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The name is taken in the team' })
  async update(
    @CurrentCaller() caller: Caller,
    @UuidParam('channelId') id: string,
    @Body() body: UpdateNotificationChannelDto,
  ): Promise<NotificationChannelDto> {
    return this.channels.update(caller, await this.authorize(caller, id, Ability.Admin), id, body);
  }

  @Delete(':channelId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a channel and its delivery log', description: 'Audited.' })
  @ApiNoContentResponse()
  async remove(@CurrentCaller() caller: Caller, @UuidParam('channelId') id: string): Promise<void> {
    await this.channels.remove(caller, await this.authorize(caller, id, Ability.Admin), id);
  }

  @Post(':channelId/test')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Send a test message through the saved channel', description: TEST_RESULT })
  @ApiOkResponse({ type: NotificationTestResultDoc })
  @ApiServiceUnavailableResponse({ type: ProblemResponseDto, description: 'The worker did not answer in time' })
  async test(@CurrentCaller() caller: Caller, @UuidParam('channelId') id: string): Promise<NotificationTestResultDto> {
    return this.channels.test(await this.authorize(caller, id, Ability.Admin), id);
  }

  @Get(':channelId/deliveries')
  @ApiOperation({
    summary: 'The channel’s delivery log, newest first',
    description:
      'Each delivery of an event to this channel: status, attempts, the receiver’s status and the last error in words, with the event’s kind and title.',
  })
  @ApiOkResponse({ type: NotificationDeliveryPageDoc })
  async deliveries(
    @CurrentCaller() caller: Caller,
    @UuidParam('channelId') id: string,
    @Query() query: PageQueryDto,
  ): Promise<Paginated<NotificationDeliveryDto>> {
    return this.channels.deliveriesOf(await this.authorize(caller, id, Ability.Read), id, query);
  }
}
