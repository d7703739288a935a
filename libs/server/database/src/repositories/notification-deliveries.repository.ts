import type { AnyNotificationKind } from '@zpanel/contracts';
import { type EntityTarget, In } from 'typeorm';
import { NotificationDeliveryEntity, NotificationEventEntity } from '../entities';
import { EntityRepository, type PageWindow } from './entity-repository';
import type { TeamScope } from './team-scope';

export type NotificationDeliveryWithEvent = NotificationDeliveryEntity & { eventKind: AnyNotificationKind | null; title: string };

/** One event to one channel. Created by the fan-out (unique per channel and event, so a second fan-out adds nothing), updated by each attempt. */
export class NotificationDeliveriesRepository extends EntityRepository<NotificationDeliveryEntity> {
  protected readonly target: EntityTarget<NotificationDeliveryEntity> = NotificationDeliveryEntity;

  /** Newest first: a channel's delivery log. */
  pageOfChannel(team: TeamScope, channelId: string, window: PageWindow): Promise<[NotificationDeliveryEntity[], number]> {
    return this.rows.findAndCount({
      where: { teamId: this.teamIdOf(team), channelId },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: window.skip,
      take: window.take,
    });
  }

  /** `pageOfChannel` with each delivery's event kind and title (the channel's delivery log as the API lists it). */
  async pageOfChannelWithEvents(team: TeamScope, channelId: string, window: PageWindow): Promise<[NotificationDeliveryWithEvent[], number]> {
    const [rows, total] = await this.pageOfChannel(team, channelId, window);
    const eventIds = [...new Set(rows.map((row) => row.eventId))];
    const events =
      eventIds.length === 0
        ? []
        : await this.manager.getRepository(NotificationEventEntity).find({
            where: { id: In(eventIds), teamId: this.teamIdOf(team) },
            select: { id: true, kind: true, title: true },
          });
    const byId = new Map(events.map((event) => [event.id, event]));
    return [rows.map((row) => ({ ...row, eventKind: byId.get(row.eventId)?.kind ?? null, title: byId.get(row.eventId)?.title ?? '' })), total];
  }

  findById(id: string): Promise<NotificationDeliveryEntity | null> {
    return this.rows.findOneBy({ id });
  }

  async record(id: string, values: Partial<Omit<NotificationDeliveryEntity, 'id' | 'teamId' | 'channelId' | 'eventId'>>): Promise<void> {
    await this.rows.update({ id }, values);
  }

  /**
   * The fan-out's rows for one event, one per channel (`queued` ones due now, `grouped` ones
   * finished): a second fan-out of the event adds nothing (ON CONFLICT on channel and event).
   * Returns the rows inserted.
   */
  async insertForEvent(
    teamId: string,
    eventId: string,
    rows: readonly { channelId: string; status: 'queued' | 'grouped' }[],
  ): Promise<{ id: string; channelId: string; status: 'queued' | 'grouped' }[]> {
    if (rows.length === 0) return [];
    const inserted: { id: string; channel_id: string; status: 'queued' | 'grouped' }[] = await this.manager.query(
      `INSERT INTO "notification_deliveries" ("team_id", "channel_id", "event_id", "status", "next_attempt_at", "finished_at")
       SELECT $1, r."channel_id", $2, r."status",
              CASE WHEN r."status" = 'queued' THEN now() END, CASE WHEN r."status" = 'grouped' THEN now() END
         FROM unnest($3::uuid[], $4::text[]) AS r("channel_id", "status")
       ON CONFLICT ("channel_id", "event_id") DO NOTHING
       RETURNING "id", "channel_id", "status"`,
      [teamId, eventId, rows.map((row) => row.channelId), rows.map((row) => row.status)],
    );
    return inserted.map((row) => ({ id: row.id, channelId: row.channel_id, status: row.status }));
  }

  /**
   * For grouping: per channel among `channelIds`, when the latest event of this group key and kind
   * that the channel was sent (a delivery not `grouped`) occurred, among events that occurred in
   * [from, to] other than `exceptEventId`.
   */
  async lastSentOfGroup(
    channelIds: readonly string[],
    groupKey: string,
    kind: string,
    from: Date,
    to: Date,
    exceptEventId: string,
  ): Promise<Map<string, Date>> {
    if (channelIds.length === 0) return new Map();
    const rows: { channel_id: string; occurred_at: Date }[] = await this.manager.query(
      `SELECT d."channel_id", max(e."occurred_at") AS "occurred_at"
         FROM "notification_deliveries" d JOIN "notification_events" e ON e."id" = d."event_id"
        WHERE d."channel_id" = ANY($1::uuid[]) AND d."status" <> 'grouped'
          AND e."group_key" = $2 AND e."kind" = $3 AND e."occurred_at" BETWEEN $4 AND $5 AND e."id" <> $6
        GROUP BY d."channel_id"`,
      [channelIds, groupKey, kind, from, to, exceptEventId],
    );
    return new Map(rows.map((row) => [row.channel_id, new Date(row.occurred_at)]));
  }

  /**
   * Takes attempt `attempt` of a delivery still `queued` or `retrying` whose earlier attempts are
   * all recorded (attempts = attempt - 1): counts it and holds it for `leaseMs` (its next attempt
   * time, so the reaper leaves it alone while it is in flight). Null when it is not there to take
   * (finished, or this attempt already taken: a duplicate job, or one that outlived its worker).
   */
  async claimAttempt(id: string, attempt: number, leaseMs: number): Promise<NotificationDeliveryEntity | null> {
    const [rows]: [RawDelivery[], number] = await this.manager.query(
      `UPDATE "notification_deliveries"
          SET "attempts" = "attempts" + 1, "next_attempt_at" = now() + make_interval(secs => $3::double precision / 1000)
        WHERE "id" = $1 AND "status" IN ('queued', 'retrying') AND "attempts" = $2 - 1
        RETURNING *`,
      [id, attempt, leaseMs],
    );
    return rows.length ? deliveryOf(rows[0]) : null;
  }

  /** Records the outcome of attempt `attempt`, if the delivery is still at it. Whether it was. */
  async finishAttempt(
    id: string,
    attempt: number,
    values: Pick<NotificationDeliveryEntity, 'status' | 'responseStatus' | 'lastError' | 'nextAttemptAt' | 'finishedAt'>,
  ): Promise<boolean> {
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set(values)
      .where(`id = :id AND attempts = :attempt AND status IN ('queued', 'retrying')`, { id, attempt })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Attempt `attempt` succeeded, if the delivery is still at it: the delivery and its channel's
   * health (the run of failures ended, `failing_since` cleared, `last_delivery_at` set) in one
   * statement. Whether the channel was failing before; undefined when the delivery was not at it.
   */
  async finishSucceeded(id: string, attempt: number, responseStatus: number | null): Promise<{ channelWasFailing: boolean } | undefined> {
    const [rows]: [{ was_failing: Date | null }[], number] = await this.manager.query(
      `WITH d AS (
         UPDATE "notification_deliveries"
            SET "status" = 'succeeded', "response_status" = $3, "last_error" = NULL, "next_attempt_at" = NULL, "finished_at" = now()
          WHERE "id" = $1 AND "attempts" = $2 AND "status" IN ('queued', 'retrying')
          RETURNING "channel_id"
       ), o AS (
         SELECT c."id", c."failing_since" FROM "notification_channels" c JOIN d ON c."id" = d."channel_id" FOR UPDATE OF c
       )
       UPDATE "notification_channels" c
          SET "consecutive_failures" = 0, "failing_since" = NULL, "last_delivery_at" = now()
         FROM o WHERE c."id" = o."id"
         RETURNING o."failing_since" AS "was_failing"`,
      [id, attempt, responseStatus],
    );
    return rows.length ? { channelWasFailing: rows[0].was_failing !== null } : undefined;
  }

  /** Deliveries waiting for an attempt due before `dueBefore` (their job possibly lost), oldest first. */
  async pendingDueBefore(dueBefore: Date, limit = 500): Promise<{ id: string; attempts: number }[]> {
    return this.rows
      .createQueryBuilder('d')
      .select(['d.id AS id', 'd.attempts AS attempts'])
      .where(`d.status IN ('queued', 'retrying') AND d.next_attempt_at < :dueBefore`, { dueBefore })
      .orderBy('d.next_attempt_at', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string; attempts: number }>();
  }

  /** Deletes up to `batch` deliveries created before `before`; how many. */
  async pruneBatch(before: Date, batch: number): Promise<number> {
    const [, affected]: [unknown, number] = await this.manager.query(
      `DELETE FROM "notification_deliveries" WHERE "id" IN (SELECT "id" FROM "notification_deliveries" WHERE "created_at" < $1 LIMIT $2)`,
      [before, batch],
    );
    return affected;
  }
}

/** A row of notification_deliveries as Postgres returns it. */
interface RawDelivery {
  id: string;
  team_id: string;
  channel_id: string;
  event_id: string;
  status: NotificationDeliveryEntity['status'];
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  finished_at: Date | null;
}

function deliveryOf(row: RawDelivery): NotificationDeliveryEntity {
  return Object.assign(new NotificationDeliveryEntity(), {
    id: row.id,
    teamId: row.team_id,
    channelId: row.channel_id,
    eventId: row.event_id,
    status: row.status,
    attempts: row.attempts,
    responseStatus: row.response_status,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  });
}
