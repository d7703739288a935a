import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  CreateNotificationChannelRequest,
  MarkNotificationsReadRequest,
  NotificationDto,
  UpdateNotificationChannelRequest,
} from '@zpanel/contracts';
import { channelsApi, createChannel, markNotificationsRead, testChannel, testUnsavedChannel } from './api';
import { channelKeys, markReadInCache, notificationKeys } from './queries';

function useChannelsMutation<V, R>(teamId: string, mutationFn: (variables: V) => Promise<R>, gcTime?: number) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, gcTime, onSettled: () => queryClient.invalidateQueries({ queryKey: channelKeys.team(teamId) }) });
}

/** The answer may carry a generated signing secret: kept only as long as the dialog showing it. */
export const useCreateChannel = (teamId: string) => useChannelsMutation(teamId, (body: CreateNotificationChannelRequest) => createChannel(body), 0);

export const useUpdateChannel = (teamId: string) =>
  useChannelsMutation(teamId, ({ id, body }: { id: string; body: UpdateNotificationChannelRequest }) => channelsApi.update(id, body));

export const useDeleteChannel = (teamId: string) => useChannelsMutation(teamId, (id: string) => channelsApi.remove(id));

/** A test moves the channel's failing state and last delivery: the list is asked again. */
export const useTestChannel = (teamId: string) => useChannelsMutation(teamId, testChannel);

/** The body holds secrets typed into the form: not kept once the dialog is gone. */
export function useTestUnsavedChannel() {
  return useMutation({ mutationFn: testUnsavedChannel, gcTime: 0 });
}

/** "Mark all read" up to the newest one shown, so what arrived meanwhile stays unread. */
export const allUpTo = (newest: NotificationDto | undefined): MarkNotificationsReadRequest =>
  newest ? { all: true, before: newest.occurredAt } : { all: true };

export function useMarkNotificationsRead(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MarkNotificationsReadRequest) => markNotificationsRead(body),
    onSuccess: (count, body) => markReadInCache(queryClient, teamId, body, count),
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationKeys.team(teamId) }),
  });
}
