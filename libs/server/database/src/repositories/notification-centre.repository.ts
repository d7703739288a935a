import { type EntityTarget, In, type SelectQueryBuilder } from 'typeorm';
import { NotificationEventEntity, NotificationReadEntity } from '../entities';
import { EntityRepository, type PageWindow } from './entity-repository';
import type { TeamScope } from './team-scope';

/**
 * Who is looking at a team's notification centre: the person (an API token's creator), whether they
 * own the team (the owners' notices), and whether their own events (sign-ins, 2FA changes) are
 * shown, which they are to a signed-in person and never to an API token.
 */
export interface NotificationViewer {
  userId: string;
  owner: boolean;
  personal: boolean;
}

export type NotificationWithRead = NotificationEventEntity & { read: boolean };

/**
 * The notification centre (docs/notifications.md, "Notification centre"): what one person sees of a
 * team's notification events, and their read marks. Every query is bounded by the team (TeamScope)
 * and the viewer: the team's events, its owners' notices to an owner, and the viewer's own events
 * (those of no team, or of this team). An id outside that is neither listed nor marked.
 */
export class NotificationCentreRepository extends EntityRepository<NotificationEventEntity> {
  protected readonly target: EntityTarget<NotificationEventEntity> = NotificationEventEntity;

  /** Newest first, each with the viewer's read mark; `unreadOnly`: only those without one. */
  async page(team: TeamScope, viewer: NotificationViewer, window: PageWindow, unreadOnly: boolean): Promise<[NotificationWithRead[], number]> {
    const query = this.visible(team, viewer, unreadOnly)
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .skip(window.skip)
      .take(window.take);
    const [rows, total] = await query.getManyAndCount();
    const read = await this.readOf(
      viewer,
      rows.map((row) => row.id),
    );
    return [rows.map((row) => ({ ...row, read: read.has(row.id) })), total];
  }

  unreadCount(team: TeamScope, viewer: NotificationViewer): Promise<number> {
    return this.visible(team, viewer, true).getCount();
  }

  /** Marks those of `ids` the viewer sees here; others (another team's, another person's, unknown) are left alone. */
  async markRead(team: TeamScope, viewer: NotificationViewer, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await this.visible(team, viewer, true)
      .andWhere('e.id IN (:...ids)', { ids: [...ids] })
      .select('e.id', 'id')
      .getRawMany<{ id: string }>();
    await this.insertReads(
      viewer,
      rows.map((row) => row.id),
    );
  }

  /** Marks everything the viewer sees here that occurred up to `before` (default: now). */
  async markAllRead(team: TeamScope, viewer: NotificationViewer, before: Date | null): Promise<void> {
    // In pages, so a long-unread centre is not one enormous statement.
    for (;;) {
      const query = this.visible(team, viewer, true).select('e.id', 'id').orderBy('e.occurred_at', 'ASC').limit(1000);
      // To the millisecond, as `occurredAt` is shown: the newest one a client saw is marked too (Postgres keeps microseconds).
      if (before) query.andWhere(`date_trunc('milliseconds', e.occurred_at) <= :before`, { before });
      const rows = await query.getRawMany<{ id: string }>();
      await this.insertReads(
        viewer,
        rows.map((row) => row.id),
      );
      if (rows.length < 1000) return;
    }
  }

  private visible(team: TeamScope, viewer: NotificationViewer, unreadOnly: boolean): SelectQueryBuilder<NotificationEventEntity> {
    const teamId = this.teamIdOf(team);
    const query = this.rows.createQueryBuilder('e').where(
      `((e.team_id = :teamId AND (e.audience = 'team' OR (e.audience = 'owners' AND :owner)))
          OR (:personal AND e.audience = 'user' AND e.user_id = :userId AND (e.team_id IS NULL OR e.team_id = :teamId)))`,
      { teamId, userId: viewer.userId, owner: viewer.owner, personal: viewer.personal },
    );
    if (unreadOnly)
      query.andWhere('NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.event_id = e.id AND r.user_id = :userId)', { userId: viewer.userId });
    return query;
  }

  private async readOf(viewer: NotificationViewer, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const marks = await this.manager.getRepository(NotificationReadEntity).find({
      where: { userId: viewer.userId, eventId: In(eventIds) },
      select: { eventId: true },
    });
    return new Set(marks.map((mark) => mark.eventId));
  }

  private async insertReads(viewer: NotificationViewer, eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.manager
      .getRepository(NotificationReadEntity)
      .createQueryBuilder()
      .insert()
      .values(eventIds.map((eventId) => ({ userId: viewer.userId, eventId, readAt: new Date() })))
      .orIgnore()
      .execute();
  }
}
