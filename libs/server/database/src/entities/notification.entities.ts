import type {
  AnyNotificationKind,
  NotificationAudience,
  NotificationChannelKind,
  NotificationDeliveryStatus,
  NotificationEventKind,
  NotificationSeverity,
  NotificationSubjectType,
} from '@zpanel/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, IdentifiedEntity, TeamIdColumn, TeamOwnedTimestampedEntity } from './columns';

/** A team's notification channel (docs/notifications.md, "Channels"). `secrets` is sealed JSON, selected only by `sealedSecrets`. */
@Entity({ name: 'notification_channels' })
export class NotificationChannelEntity extends TeamOwnedTimestampedEntity {
  @Column('text')
  name: string;

  @Column('text')
  kind: NotificationChannelKind;

  @Column('boolean')
  enabled: boolean;

  /** The kind's settings without secrets (NotificationChannelSettings[kind]). */
  @Column('jsonb')
  settings: Record<string, unknown>;

  @Column('text', { nullable: true, select: false })
  secrets: string | null;

  /** Which secret fields hold a value, kept beside the sealed JSON so listing never opens it. */
  @Column('text', { name: 'secrets_set', array: true })
  secretsSet: string[];

  @Column('text', { array: true })
  events: NotificationEventKind[];

  @Column('uuid', { name: 'project_ids', array: true, nullable: true })
  projectIds: string[] | null;

  @Column('uuid', { name: 'environment_ids', array: true, nullable: true })
  environmentIds: string[] | null;

  @Column('timestamptz', { name: 'failing_since', nullable: true })
  failingSince: Date | null;

  @Column('integer', { name: 'consecutive_failures' })
  consecutiveFailures: number;

  @Column('timestamptz', { name: 'last_delivery_at', nullable: true })
  lastDeliveryAt: Date | null;
}

/**
 * Something that happened, recorded once (the outbox): the worker's `notifications.fanout` makes one
 * delivery per subscribed channel and sets `fanned_out_at`; the notification centre lists these.
 */
@Entity({ name: 'notification_events' })
export class NotificationEventEntity extends IdentifiedEntity {
  @Column('uuid', { name: 'team_id', nullable: true })
  teamId: string | null;

  @Column('uuid', { name: 'user_id', nullable: true })
  userId: string | null;

  @Column('text')
  audience: NotificationAudience;

  @Column('text')
  kind: AnyNotificationKind;

  @Column('text')
  severity: NotificationSeverity;

  @Column('text')
  title: string;

  @Column('text')
  message: string;

  /** A path into the UI (`/applications/<id>/deployments/<id>`); made absolute with the public URL when sent. */
  @Column('text', { nullable: true })
  url: string | null;

  @Column('text', { name: 'subject_type', nullable: true })
  subjectType: NotificationSubjectType | null;

  @Column('uuid', { name: 'subject_id', nullable: true })
  subjectId: string | null;

  @Column('text', { name: 'subject_name', nullable: true })
  subjectName: string | null;

  @Column('uuid', { name: 'project_id', nullable: true })
  projectId: string | null;

  @Column('uuid', { name: 'environment_id', nullable: true })
  environmentId: string | null;

  /** Events of one key (an alert rule's) are sent at most once per grouping interval per channel and kind. */
  @Column('text', { name: 'group_key', nullable: true })
  groupKey: string | null;

  @Column('jsonb')
  data: Record<string, string | number | boolean | null>;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('timestamptz', { name: 'fanned_out_at', nullable: true })
  fannedOutAt: Date | null;
}

/** One event to one channel: the delivery log. */
@Entity({ name: 'notification_deliveries' })
export class NotificationDeliveryEntity extends IdentifiedEntity {
  @TeamIdColumn()
  teamId: string;

  @Column('uuid', { name: 'channel_id' })
  channelId: string;

  @Column('uuid', { name: 'event_id' })
  eventId: string;

  @Column('text')
  status: NotificationDeliveryStatus;

  @Column('integer')
  attempts: number;

  @Column('integer', { name: 'response_status', nullable: true })
  responseStatus: number | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}

/** A person's read mark on one notification. */
@Entity({ name: 'notification_reads' })
export class NotificationReadEntity {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId: string;

  @Column('timestamptz', { name: 'read_at' })
  readAt: Date;
}

/** A channel's secrets are sealed bound to the channel id. */
export function notificationChannelSecretsAad(channelId: string): string {
  return `notification-channel:${channelId}`;
}

/** New secrets sealed by the API for a `notification.test` of settings not saved yet, bound to the team. */
export function notificationTestSecretsAad(teamId: string): string {
  return `notification-test:${teamId}`;
}
