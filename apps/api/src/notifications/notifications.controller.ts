import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Ability, type NotificationDto, type NotificationUnreadDto, type Paginated, TEAM_HEADER } from '@zpanel/contracts';
import { type Caller, CurrentCaller } from '../access/caller';
import { TeamAccessService } from '../access/team-access.service';
import { TeamFromHeader } from '../access/team-header';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { TeamResourceApi } from '../http/team-resource-api';
import { MarkNotificationsReadDto, NotificationListQueryDto, NotificationPageDoc, NotificationUnreadDoc } from './notifications.dto';
import { NotificationsService } from './notifications.service';

const SEES =
  'A person sees the team’s events, the owners’ notices (a channel failing) when they own the team, and their own events (a new sign-in, 2FA changes); an API token sees the team’s events only.';

/** The notification centre of the team named by the header (docs/notifications.md, "Notification centre"): `read` is enough for all of it, since read marks are the caller's own. */
@TeamResourceApi('notifications', 'No such team (or one the caller is not in)')
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly notifications: NotificationsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The caller’s notifications in the team, newest first, each with its read mark', description: SEES })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: NotificationPageDoc })
  async list(
    @CurrentCaller() caller: Caller,
    @TeamFromHeader() teamId: string,
    @Query() query: NotificationListQueryDto,
  ): Promise<Paginated<NotificationDto>> {
    return this.notifications.list(caller, await this.access.require(caller, teamId, Ability.Read), query);
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many of the caller’s notifications in the team are unread (the bell)' })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: NotificationUnreadDoc })
  async unread(@CurrentCaller() caller: Caller, @TeamFromHeader() teamId: string): Promise<NotificationUnreadDto> {
    return this.notifications.unread(caller, await this.access.require(caller, teamId, Ability.Read));
  }

  @Post('read')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Mark notifications read: some by id, or all (up to `before`)',
    description:
      'Exactly one of `ids` and `all: true`. Ids the caller does not see in this team (another team’s, another person’s, unknown) are ignored without an error, so the answer never tells whether such an id exists. Answers the new unread count.',
  })
  @ApiHeader({ name: TEAM_HEADER, required: true })
  @ApiOkResponse({ type: NotificationUnreadDoc })
  @ApiBadRequestResponse({
    type: ProblemResponseDto,
    description: 'Neither or both of ids and all, `before` without all, or a bad id or date (errors name the field)',
  })
  async markRead(
    @CurrentCaller() caller: Caller,
    @TeamFromHeader() teamId: string,
    @Body() body: MarkNotificationsReadDto,
  ): Promise<NotificationUnreadDto> {
    return this.notifications.markRead(caller, await this.access.require(caller, teamId, Ability.Read), body);
  }
}
