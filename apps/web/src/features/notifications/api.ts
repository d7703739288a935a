import type {
  CreateNotificationChannelRequest,
  CreatedNotificationChannelResponse,
  MarkNotificationsReadRequest,
  NotificationChannelDto,
  NotificationDeliveryDto,
  NotificationDto,
  NotificationTestResultDto,
  NotificationUnreadDto,
  PageQuery,
  Paginated,
  TestNotificationChannelRequest,
  UpdateNotificationChannelRequest,
} from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';
import { restResource } from '../../lib/rest-resource';

export const NOTIFICATIONS = '/api/v1/notifications';
export const CHANNELS = '/api/v1/notification-channels';

/** `POST /notification-channels/test`: what it tries (nothing is saved). */
export type TestNotificationChannelBody = TestNotificationChannelRequest;

/** A created webhook channel without a signing secret carries the one generated for it, once. */
export type CreatedNotificationChannel = CreatedNotificationChannelResponse;

/** Secrets are sealed and never returned (`secretsSet` names those that hold a value). The list is not paged (at most 50). */
export const channelsApi = restResource<NotificationChannelDto, CreateNotificationChannelRequest, UpdateNotificationChannelRequest>(CHANNELS);

export function fetchChannels(signal?: AbortSignal): Promise<NotificationChannelDto[]> {
  return apiRequest<NotificationChannelDto[]>(CHANNELS, { signal });
}

export function createChannel(body: CreateNotificationChannelRequest): Promise<CreatedNotificationChannel> {
  return apiRequest<CreatedNotificationChannel>(CHANNELS, { method: 'POST', body });
}

/** Sends a test message through a saved channel; a refusal by the receiver is an answer (`ok: false`), not an error. */
export function testChannel(id: string): Promise<NotificationTestResultDto> {
  return apiRequest<NotificationTestResultDto>(`${channelsApi.path(id)}/test`, { method: 'POST' });
}

/** The same with settings not saved yet (kind, name, settings and secrets of the create body). */
export function testUnsavedChannel(body: TestNotificationChannelBody): Promise<NotificationTestResultDto> {
  return apiRequest<NotificationTestResultDto>(`${CHANNELS}/test`, { method: 'POST', body });
}

export function fetchDeliveries(channelId: string, { page, perPage }: PageQuery, signal?: AbortSignal): Promise<Paginated<NotificationDeliveryDto>> {
  return apiRequest<Paginated<NotificationDeliveryDto>>(`${channelsApi.path(channelId)}/deliveries`, { signal, query: { page, perPage } });
}

export interface NotificationsQuery extends PageQuery {
  /** Only those not read yet. */
  unread?: boolean;
}

export function fetchNotifications({ page, perPage, unread }: NotificationsQuery, signal?: AbortSignal): Promise<Paginated<NotificationDto>> {
  return apiRequest<Paginated<NotificationDto>>(NOTIFICATIONS, { signal, query: { page, perPage, unread: unread ? true : undefined } });
}

export function fetchUnreadCount(signal?: AbortSignal): Promise<NotificationUnreadDto> {
  return apiRequest<NotificationUnreadDto>(`${NOTIFICATIONS}/unread-count`, { signal });
}

/** Answers the new unread count. */
export function markNotificationsRead(body: MarkNotificationsReadRequest): Promise<NotificationUnreadDto> {
  return apiRequest<NotificationUnreadDto>(`${NOTIFICATIONS}/read`, { method: 'POST', body });
}
