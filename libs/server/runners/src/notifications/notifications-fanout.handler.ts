import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  JobName,
  type JobPayload,
  type JobResult,
  LiveTopics,
  NOTIFICATION_EVENT_KINDS,
  type NotificationEventKind,
  type NotificationLiveEvent,
} from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger } from '@zpanel/core';
import {
  NotificationChannelsRepository,
  NotificationDeliveriesRepository,
  type NotificationEventEntity,
  NotificationEventsRepository,
  TeamMembersRepository,
  teamScope,
} from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer, LiveStreams, enqueueNotificationDelivery } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { groupingDecision } from './delivery-policy';
import { notificationDtoOf } from './notification-messages';
import { PublicUrlCache } from './public-url-cache';

const CHANNEL_KINDS: ReadonlySet<string> = new Set(NOTIFICATION_EVENT_KINDS);

/** Whether an event goes to channels: a team event of a subscribable kind (not a person's own, not a notice to owners). */
export function reachesChannels(event: Pick<NotificationEventEntity, 'audience' | 'teamId' | 'kind'>): boolean {
  return event.audience === 'team' && event.teamId !== null && CHANNEL_KINDS.has(event.kind);
}

/**
 * `notifications.fanout` (docs/notifications.md, "Delivery"): in one transaction, marks the event
 * fanned out (a second worker, or a second job, finds it marked and stops) and inserts one delivery
 * per enabled channel of its team subscribed to its kind whose filters match, `grouped` when the
 * channel was sent an event of the same group key and kind within the grouping window. After the
 * commit, queues each queued delivery and pushes the in-app live event. A crash after the commit
 * loses no delivery: the reaper queues a delivery whose job never came.
 */
@Injectable()
@HandlesJob(JobName.NotificationsFanout)
export class NotificationsFanoutHandler implements JobHandler<JobName.NotificationsFanout> {
  private readonly log: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: NotificationEventsRepository,
    private readonly channels: NotificationChannelsRepository,
    private readonly deliveries: NotificationDeliveriesRepository,
    private readonly members: TeamMembersRepository,
    private readonly publicUrls: PublicUrlCache,
    private readonly jobs: JobProducer,
    private readonly live: LiveStreams,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'notifications-fanout' });
  }

  async handle({ eventId }: JobPayload<JobName.NotificationsFanout>): Promise<JobResult<JobName.NotificationsFanout>> {
    const event = await this.events.findById(eventId);
    if (!event) return { skipped: 'missing' };
    const made = await this.dataSource.transaction(async (db) => {
      if (!(await this.events.in(db).markFannedOut(event.id))) return undefined;
      if (!reachesChannels(event)) return [];
      const team = teamScope(event.teamId as string);
      const channels = await this.channels.in(db).subscribedTo(team, event.kind as NotificationEventKind, event.projectId, event.environmentId);
      if (channels.length === 0) return [];
      let lastSent = new Map<string, Date>();
      if (event.groupKey && this.config.notifications.groupWindowMs > 0) {
        // One fan-out of a group at a time, so two events of a flapping alert cannot both find nothing sent yet.
        await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`notifications-group:${event.teamId}:${event.kind}:${event.groupKey}`]);
        const window = this.config.notifications.groupWindowMs;
        lastSent = await this.deliveries.in(db).lastSentOfGroup(
          channels.map((channel) => channel.id),
          event.groupKey,
          event.kind,
          new Date(event.occurredAt.getTime() - window),
          event.occurredAt,
          event.id,
        );
      }
      const rows = channels.map((channel) => ({
        channelId: channel.id,
        status:
          groupingDecision(event.groupKey, event.occurredAt, lastSent.get(channel.id), this.config.notifications.groupWindowMs) === 'group'
            ? ('grouped' as const)
            : ('queued' as const),
      }));
      return this.deliveries.in(db).insertForEvent(event.teamId as string, event.id, rows);
    });
    if (made === undefined) return { skipped: 'already fanned out' };

    // In-app first: the people looking at Zpanel see it before the channels are sent to.
    await this.pushLive(event);
    const queued = made.filter((row) => row.status === 'queued');
    for (const row of queued) {
      await enqueueNotificationDelivery(this.jobs, row.id, 1).catch((error: unknown) =>
        this.log.warn({ err: error, deliveryId: row.id }, 'delivery not queued; the reaper will'),
      );
    }
    return { deliveries: queued.length, grouped: made.length - queued.length };
  }

  /** The in-app notice: to the team's topic, each owner's own, or the person's own. Lost on a failure (the centre lists it anyway). */
  private async pushLive(event: NotificationEventEntity): Promise<void> {
    try {
      const topics =
        event.audience === 'team' && event.teamId
          ? [LiveTopics.teamNotifications(event.teamId)]
          : event.audience === 'owners' && event.teamId
            ? (await this.members.ownerIds(teamScope(event.teamId))).map((id) => LiveTopics.userNotifications(id))
            : event.audience === 'user' && event.userId
              ? [LiveTopics.userNotifications(event.userId)]
              : [];
      if (topics.length === 0) return;
      const live: NotificationLiveEvent = { type: 'notification', notification: notificationDtoOf(event, await this.publicUrls.get()) };
      for (const topic of topics) await this.live.append(topic, live);
    } catch (error) {
      this.log.warn({ err: error, eventId: event.id }, 'notification not pushed live');
    }
  }
}
