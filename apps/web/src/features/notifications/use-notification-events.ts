import { useQueryClient } from '@tanstack/react-query';
import type { NotificationDto, NotificationSeverity } from '@zpanel/contracts';
import { useEffect, useRef } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { toast } from 'sonner';
import { useLiveSubscription } from '../../lib/use-live-subscription';
import { useCurrentTeam } from '../../shared/teams/use-current-team';
import { firstLine, notificationTarget } from './labels';
import { notificationKeys, receiveNotification } from './queries';

const TOASTS: Record<NotificationSeverity, typeof toast.info> = {
  info: toast.info,
  success: toast.success,
  warning: toast.warning,
  error: toast.error,
};

/**
 * Mounted once in the shell: follows the current team's notifications over the live socket, puts
 * each new one in the bell's count and lists, and shows it as a toast unless its page is the one
 * open (which shows the change itself). After a reconnect the lists and count are asked again,
 * since the topic replays nothing.
 */
export function useNotificationEvents(): void {
  const { current } = useCurrentTeam();
  const teamId = current?.teamId;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { pathname } = useLocation();

  const state = useLiveSubscription<'notifications'>(
    teamId ? `notifications:${teamId}` : null,
    () => ({ kind: 'notifications', teamId: teamId ?? '' }),
    (event) => {
      if (!teamId || event.type !== 'notification') return;
      receiveNotification(queryClient, teamId, event.notification);
      showToast(event.notification, pathname, navigate);
    },
  );

  // The first subscription follows the first fetch; later ones (after a reconnect) may have missed events.
  const wasLive = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (state.status !== 'live' || !teamId) return;
    if (wasLive.current === teamId) void queryClient.invalidateQueries({ queryKey: notificationKeys.team(teamId) });
    wasLive.current = teamId;
  }, [state.status, teamId, queryClient]);
}

function showToast(notification: NotificationDto, pathname: string, navigate: (path: string) => void): void {
  const target = notificationTarget(notification.url);
  if (target && target.pathname === pathname) return;
  const action = target
    ? {
        label: 'View',
        onClick: () => {
          if (target.kind === 'app') navigate(target.path);
          else window.location.assign(target.href);
        },
      }
    : undefined;
  TOASTS[notification.severity](notification.title, {
    id: notification.id,
    description: firstLine(notification.message) || undefined,
    action,
  });
}
