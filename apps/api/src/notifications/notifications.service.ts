import { Injectable } from '@nestjs/common';
import { type NotificationDto, type NotificationUnreadDto, type Paginated, Role } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { InstanceRepository, NotificationCentreRepository, type NotificationViewer, type NotificationWithRead } from '@zpanel/database';
import type { Caller } from '../access/caller';
import type { TeamActor } from '../access/team-access.service';
import { pageWindow, paginated } from '../http/pagination';
import type { MarkNotificationsReadDto, NotificationListQueryDto } from './notifications.dto';

/**
 * The notification centre (docs/notifications.md, "Notification centre"): what the caller sees of
 * one team's notification events, with their read marks. A person sees the team's events, the
 * owners' notices when they own the team, and their own events (sign-ins, 2FA changes); an API
 * token sees the team's events only, and its marks are its creator's.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly centre: NotificationCentreRepository,
    private readonly instance: InstanceRepository,
  ) {}

  async list(caller: Caller, actor: TeamActor, query: NotificationListQueryDto): Promise<Paginated<NotificationDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.centre.page(
      actor.team,
      viewerOf(caller, actor),
      { skip: window.skip, take: window.perPage },
      query.unread === true,
    );
    const publicUrl = await this.instance.publicUrl();
    return paginated(
      rows.map((row) => toDto(row, publicUrl)),
      total,
      window,
    );
  }

  async unread(caller: Caller, actor: TeamActor): Promise<NotificationUnreadDto> {
    return { unread: await this.centre.unreadCount(actor.team, viewerOf(caller, actor)) };
  }

  /** Marks, then answers the new unread count. Ids the caller does not see here are ignored: the answer is the same whether they exist or not. */
  async markRead(caller: Caller, actor: TeamActor, body: MarkNotificationsReadDto): Promise<NotificationUnreadDto> {
    const hasIds = body.ids !== undefined;
    if (hasIds === (body.all === true))
      throw AppException.validation([{ field: 'ids', message: 'ids must list the notifications to mark, or set all: true instead (not both)' }]);
    if (body.before !== undefined && body.all !== true) throw AppException.validation([{ field: 'before', message: 'before goes with all: true' }]);
    const viewer = viewerOf(caller, actor);
    if (hasIds) await this.centre.markRead(actor.team, viewer, [...new Set(body.ids?.map((id) => id.toLowerCase()))]);
    else await this.centre.markAllRead(actor.team, viewer, body.before === undefined ? null : new Date(body.before));
    return this.unread(caller, actor);
  }
}

function viewerOf(caller: Caller, actor: TeamActor): NotificationViewer {
  const person = caller.kind === 'user';
  return { userId: actor.userId, owner: person && actor.role === Role.Owner, personal: person };
}

function toDto(row: NotificationWithRead, publicUrl: string | null): NotificationDto {
  return {
    id: row.id,
    teamId: row.teamId,
    kind: row.kind,
    severity: row.severity,
    title: row.title,
    message: row.message,
    url: row.url === null ? null : publicUrl && row.url.startsWith('/') ? `${publicUrl}${row.url}` : row.url,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    projectId: row.projectId,
    environmentId: row.environmentId,
    occurredAt: row.occurredAt.toISOString(),
    read: row.read,
  };
}
