import type { NotificationDto, NotificationEventKind, NotificationWebhookBody } from '@zpanel/contracts';
import type { NotificationEventEntity } from '@zpanel/database';
import { absoluteUrl } from './delivery-policy';

/** The names a message shows beside the event's ids (null: the row is gone or none was set). */
export interface MessageNames {
  team: { id: string; name: string };
  project: { id: string; name: string } | null;
  environment: { id: string; name: string } | null;
}

/** An event as the notification centre shows it, unread (the live event of a new notification). */
export function notificationDtoOf(event: NotificationEventEntity, publicUrl: string | null): NotificationDto {
  return {
    id: event.id,
    teamId: event.teamId,
    kind: event.kind,
    severity: event.severity,
    title: event.title,
    message: event.message,
    url: absoluteUrl(event.url, publicUrl),
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    projectId: event.projectId,
    environmentId: event.environmentId,
    occurredAt: event.occurredAt.toISOString(),
    read: false,
  };
}

/** The message every channel kind is built from (the generic webhook sends it as it is). */
export function webhookBodyOf(event: NotificationEventEntity, names: MessageNames, publicUrl: string | null): NotificationWebhookBody {
  return {
    version: 1,
    id: event.id,
    type: event.kind as NotificationEventKind,
    occurredAt: event.occurredAt.toISOString(),
    severity: event.severity,
    title: event.title,
    message: event.message,
    url: absoluteUrl(event.url, publicUrl),
    team: names.team,
    project: names.project,
    environment: names.environment,
    subject: event.subjectType && event.subjectId ? { type: event.subjectType, id: event.subjectId, name: event.subjectName } : null,
    data: event.data ?? {},
  };
}

/** "Send test": a message of type `test` to a channel of `team`, sent at `now`. */
export function testMessageOf(team: { id: string; name: string }, channelName: string, publicUrl: string | null, now: Date): NotificationWebhookBody {
  return {
    version: 1,
    // The test has no event row: a fresh id per test, so a receiver that drops repeated ids still shows each test.
    id: globalThis.crypto.randomUUID(),
    type: 'test',
    occurredAt: now.toISOString(),
    severity: 'info',
    title: `Test notification from Zpanel`,
    message: `This is a test of the channel "${channelName}" of the team ${team.name}. If you can read it, the channel works.`,
    url: absoluteUrl('/notifications/channels', publicUrl),
    team,
    project: null,
    environment: null,
    subject: null,
    data: {},
  };
}
