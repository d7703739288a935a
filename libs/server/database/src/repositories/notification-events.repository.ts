import type { AnyNotificationKind, NotificationAudience, NotificationSeverity, NotificationSubjectType } from '@zpanel/contracts';
import { type EntityTarget, IsNull } from 'typeorm';
import { NotificationEventEntity } from '../entities';
import { EntityRepository } from './entity-repository';

/** What the places where things happen give to record a notification event (docs/notifications.md, "Events"). */
export interface NotificationEventInput {
  /** The team it happened in; null only for a person's own event (`userId` set). */
  teamId: string | null;
  /** Set for a person's own event (audience `user`). */
  userId?: string | null;
  /** Default `user` when userId is set, else `team`. */
  audience?: NotificationAudience;
  kind: AnyNotificationKind;
  severity: NotificationSeverity;
  /** One line: what happened, and where ("Deployment of api failed"). */
  title: string;
  /** A few lines: why, and what to do; no secrets (the message goes to third-party services). */
  message: string;
  /** A path into the UI, starting with `/`. */
  url?: string | null;
  subject?: { type: NotificationSubjectType; id: string; name: string | null } | null;
  projectId?: string | null;
  environmentId?: string | null;
  groupKey?: string | null;
  data?: Record<string, string | number | boolean | null>;
  occurredAt?: Date;
}

/**
 * Notification events: the outbox. `record` inserts one (inside the caller's transaction when the
 * repository is `in` one); the worker fans it out and marks it. Events without a team (a person's
 * own) are reached by user id, the rest by team through the API's access checks.
 */
export class NotificationEventsRepository extends EntityRepository<NotificationEventEntity> {
  protected readonly target: EntityTarget<NotificationEventEntity> = NotificationEventEntity;

  async record(input: NotificationEventInput): Promise<NotificationEventEntity> {
    const audience = input.audience ?? (input.userId ? 'user' : 'team');
    const row: Omit<NotificationEventEntity, 'id'> = {
      teamId: input.teamId,
      userId: input.userId ?? null,
      audience,
      kind: input.kind,
      severity: input.severity,
      title: input.title.slice(0, 300),
      message: input.message.slice(0, 4000),
      url: input.url ?? null,
      subjectType: input.subject?.type ?? null,
      subjectId: input.subject?.id ?? null,
      subjectName: input.subject?.name ?? null,
      projectId: input.projectId ?? null,
      environmentId: input.environmentId ?? null,
      groupKey: input.groupKey ?? null,
      data: input.data ?? {},
      occurredAt: input.occurredAt ?? new Date(),
      fannedOutAt: null,
    };
    const result = await this.rows.insert(row);
    return { ...row, id: (result.identifiers[0] as { id: string }).id };
  }

  findById(id: string): Promise<NotificationEventEntity | null> {
    return this.rows.findOneBy({ id });
  }

  /** Whether this call marked it (false: another worker fanned it out first). */
  async markFannedOut(id: string): Promise<boolean> {
    const result = await this.rows.update({ id, fannedOutAt: IsNull() }, { fannedOutAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  /** Events recorded before `olderThan` that no worker fanned out (their job lost with Redis, or a crash between insert and enqueue). */
  async notFannedOut(olderThan: Date, limit = 500): Promise<string[]> {
    const rows = await this.rows
      .createQueryBuilder('e')
      .select('e.id', 'id')
      .where('e.fanned_out_at IS NULL AND e.occurred_at < :olderThan', { olderThan })
      .orderBy('e.occurred_at', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  /** Deletes up to `batch` events that occurred before `before` (their deliveries and read marks go with them); how many. */
  async pruneBatch(before: Date, batch: number): Promise<number> {
    const [, affected]: [unknown, number] = await this.manager.query(
      `DELETE FROM "notification_events" WHERE "id" IN (SELECT "id" FROM "notification_events" WHERE "occurred_at" < $1 LIMIT $2)`,
      [before, batch],
    );
    return affected;
  }
}
