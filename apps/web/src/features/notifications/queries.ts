import { keepPreviousData, type QueryClient, useQuery } from '@tanstack/react-query';
import type { MarkNotificationsReadRequest, NotificationDto, NotificationUnreadDto, Paginated } from '@zpanel/contracts';
import { teamResourceKeys } from '../../lib/rest-resource';
import { channelsApi, fetchChannels, fetchDeliveries, fetchNotifications, fetchUnreadCount, type NotificationsQuery } from './api';

/** The bell's panel shows this many of the latest. */
export const LATEST_COUNT = 8;
export const NOTIFICATIONS_PER_PAGE = 20;
export const DELIVERIES_PER_PAGE = 20;
/** The delivery log is asked again this often while it is open, so retries and tests show up by themselves. */
export const DELIVERIES_POLL_MS = 5_000;

export const notificationKeys = {
  all: ['notifications'] as const,
  team: (teamId: string) => [...notificationKeys.all, teamId] as const,
  unread: (teamId: string) => [...notificationKeys.team(teamId), 'unread'] as const,
  lists: (teamId: string) => [...notificationKeys.team(teamId), 'list'] as const,
  list: (teamId: string, query: Required<NotificationsQuery>) => [...notificationKeys.lists(teamId), query] as const,
};

const channelResourceKeys = teamResourceKeys('notification-channels', 0);

export const channelKeys = {
  ...channelResourceKeys,
  deliveries: (teamId: string, channelId: string, page: number) => [...channelResourceKeys.detail(teamId, channelId), 'deliveries', page] as const,
};

export function useUnreadCount(teamId: string | undefined) {
  return useQuery({
    queryKey: notificationKeys.unread(teamId ?? ''),
    queryFn: ({ signal }) => fetchUnreadCount(signal),
    enabled: Boolean(teamId),
  });
}

export function useNotifications(teamId: string, page: number, perPage: number, unread: boolean) {
  return useQuery({
    queryKey: notificationKeys.list(teamId, { page, perPage, unread }),
    queryFn: ({ signal }) => fetchNotifications({ page, perPage, unread }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useChannels(teamId: string) {
  return useQuery({
    queryKey: channelKeys.lists(teamId),
    queryFn: ({ signal }) => fetchChannels(signal),
  });
}

export function useChannel(teamId: string, id: string) {
  return useQuery({ queryKey: channelKeys.detail(teamId, id), queryFn: ({ signal }) => channelsApi.get(id, signal) });
}

export function useDeliveries(teamId: string, channelId: string, page: number) {
  return useQuery({
    queryKey: channelKeys.deliveries(teamId, channelId, page),
    queryFn: ({ signal }) => fetchDeliveries(channelId, { page, perPage: DELIVERIES_PER_PAGE }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: DELIVERIES_POLL_MS,
  });
}

type ListKey = ReturnType<typeof notificationKeys.list>;

/**
 * A notification pushed live: counted as unread and put first on every cached first page it
 * belongs on (once), before the lists are asked again for the truth.
 */
export function receiveNotification(queryClient: QueryClient, teamId: string, notification: NotificationDto): void {
  const lists = queryClient.getQueriesData<Paginated<NotificationDto>>({ queryKey: notificationKeys.lists(teamId) });
  const known = lists.some(([, data]) => data?.items.some((item) => item.id === notification.id));
  for (const [key, data] of lists) {
    const { page, unread } = (key as ListKey)[3];
    if (!data || page !== 1 || (unread && notification.read) || known) continue;
    queryClient.setQueryData<Paginated<NotificationDto>>(key, {
      ...data,
      items: [notification, ...data.items].slice(0, data.perPage),
      total: data.total + 1,
    });
  }
  if (!known && !notification.read) {
    queryClient.setQueryData<NotificationUnreadDto>(notificationKeys.unread(teamId), (old) => (old ? { unread: old.unread + 1 } : old));
  }
  void queryClient.invalidateQueries({ queryKey: notificationKeys.lists(teamId) });
}

/** Marks what `body` named read in the cached lists (all: those up to `before`), with the unread count the API answered. */
export function markReadInCache(queryClient: QueryClient, teamId: string, body: MarkNotificationsReadRequest, count: NotificationUnreadDto): void {
  const before = body.before ? Date.parse(body.before) : Infinity;
  const named = (item: NotificationDto) => (body.all ? Date.parse(item.occurredAt) <= before : (body.ids ?? []).includes(item.id));
  for (const [key, data] of queryClient.getQueriesData<Paginated<NotificationDto>>({ queryKey: notificationKeys.lists(teamId) })) {
    if (!data) continue;
    const items = data.items.map((item) => {
      if (item.read || !named(item)) return item;
      return { ...item, read: true };
    });
    queryClient.setQueryData<Paginated<NotificationDto>>(key, { ...data, items });
  }
  queryClient.setQueryData<NotificationUnreadDto>(notificationKeys.unread(teamId), count);
}
