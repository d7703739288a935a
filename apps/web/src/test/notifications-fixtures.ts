import {
  NOTIFICATION_EVENT_KINDS,
  type NotificationChannelDto,
  type NotificationDeliveryDto,
  type NotificationDto,
  type NotificationLiveEvent,
} from '@zpanel/contracts';
import { emitLiveEvent } from './fake-socket';
import { fixture } from './fixture';
import { jsonResponse } from './mock-api';
import { aPage } from './servers-fixtures';

/** Test data for the notifications specs. */
export const UNREAD_COUNT = '/api/v1/notifications/unread-count';
export const MARK_READ = '/api/v1/notifications/read';
export const CHANNELS = '/api/v1/notification-channels';
/** The bell's panel: the latest few. */
export const LATEST = '/api/v1/notifications?page=1&perPage=8';
export const notificationsPage = (page = 1, unread = false) => `/api/v1/notifications?page=${page}&perPage=20${unread ? '&unread=true' : ''}`;
export const deliveriesPage = (channelId: string, page = 1) => `${CHANNELS}/${channelId}/deliveries?page=${page}&perPage=20`;

export const aNotification = fixture<NotificationDto>(() => ({
  id: 'ntf-1',
  teamId: 'team-1',
  kind: 'deployment.failed',
  severity: 'error',
  title: 'Deployment of api failed',
  message: 'The build step exited with code 1.\nSee the deployment log for the output.',
  url: '/applications/app-1/deployments/dep-1',
  subjectType: 'deployment',
  subjectId: 'dep-1',
  projectId: 'project-1',
  environmentId: 'env-1',
  occurredAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  read: false,
}));

export const aChannel = fixture<NotificationChannelDto>(() => ({
  id: 'chan-1',
  teamId: 'team-1',
  name: 'ops-slack',
  kind: 'slack',
  enabled: true,
  settings: {},
  secretsSet: ['webhookUrl'],
  events: [...NOTIFICATION_EVENT_KINDS],
  projectIds: null,
  environmentIds: null,
  failingSince: null,
  consecutiveFailures: 0,
  lastDeliveryAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedAt: '2026-01-05T10:00:00.000Z',
}));

export const anEmailChannel = fixture<NotificationChannelDto>(() => ({
  ...aChannel(),
  id: 'chan-2',
  name: 'on-call mail',
  kind: 'email',
  settings: { host: 'smtp.example.com', port: 587, security: 'starttls', username: 'zpanel', from: 'zpanel@example.com', to: ['ops@example.com'] },
  secretsSet: ['password'],
  events: ['deployment.failed', 'backup.failed', 'backup.missed'],
  failingSince: new Date(Date.now() - 3_600_000).toISOString(),
  consecutiveFailures: 3,
  lastDeliveryAt: null,
}));

export const aDelivery = fixture<NotificationDeliveryDto>(() => ({
  id: 'del-1',
  channelId: 'chan-1',
  eventId: 'ntf-1',
  eventKind: 'deployment.failed',
  title: 'Deployment of api failed',
  status: 'succeeded',
  attempts: 1,
  responseStatus: 200,
  lastError: null,
  nextAttemptAt: null,
  createdAt: new Date(Date.now() - 10 * 60_000).toISOString(),
  finishedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
}));

/** The routes the bell asks for: the count, and the latest when its panel opens. */
export function bellRoutes(notifications: NotificationDto[], unread = notifications.filter((n) => !n.read).length) {
  return {
    [UNREAD_COUNT]: () => jsonResponse({ unread }),
    [LATEST]: () => jsonResponse(aPage(notifications, { perPage: 8 })),
  };
}

/** Plays the fan-out: a new notification on every open `notifications` subscription of the team. */
export function pushNotification(notification: NotificationDto, teamId = 'team-1'): number {
  const event: NotificationLiveEvent = { type: 'notification', notification };
  return emitLiveEvent((subscription) => subscription.kind === 'notifications' && subscription.teamId === teamId, event);
}
