import type { NotificationDto } from '@zpanel/contracts';
import { Link } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { BellIcon } from '../../../components/icons';
import { Menu } from '../../../components/menu';
import { Skeleton } from '../../../components/skeleton';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { notificationTarget, unreadBadge } from '../labels';
import { allUpTo, useMarkNotificationsRead } from '../mutations';
import { LATEST_COUNT, useNotifications, useUnreadCount } from '../queries';
import { NotificationEntry, NotificationLink } from './notification-entry';
import '../notifications.css';

/**
 * The notification centre in the top bar: a bell with the unread count (none at 0, "99+" past
 * 99) opening the latest notifications. Opening one marks it read; "Mark all read" marks them all.
 */
export function NotificationBell() {
  const { current } = useCurrentTeam();
  const teamId = current?.teamId;
  const unread = useUnreadCount(teamId);
  const count = unread.data?.unread ?? 0;
  if (!teamId) return null;

  return (
    <Menu
      label={count > 0 ? `Notifications, ${count} unread` : 'Notifications'}
      testId="notification-bell"
      triggerClassName="menu-trigger bell"
      listClassName="bell__panel"
      trigger={
        <>
          <BellIcon width={18} height={18} />
          {count > 0 && (
            <span className="bell__count" data-testid="unread-count" aria-hidden="true">
              {unreadBadge(count)}
            </span>
          )}
        </>
      }
    >
      {(close) => <BellPanel teamId={teamId} unread={count} close={close} />}
    </Menu>
  );
}

function BellPanel({ teamId, unread, close }: { teamId: string; unread: number; close: () => void }) {
  const latest = useNotifications(teamId, 1, LATEST_COUNT, false);
  const markRead = useMarkNotificationsRead(teamId);
  const open = (notification: NotificationDto) => {
    if (!notification.read) markRead.mutate({ ids: [notification.id] });
    close();
  };

  return (
    <>
      <div className="bell__header">
        <p className="menu__name">Notifications</p>
        {unread > 0 && (
          <button
            type="button"
            role="menuitem"
            className="link-button"
            disabled={markRead.isPending}
            onClick={() => markRead.mutate(allUpTo(latest.data?.items[0]))}
          >
            Mark all read
          </button>
        )}
      </div>
      <div className="menu__separator" role="separator" />
      {latest.isPending && <Skeleton lines={3} />}
      {latest.isError && <ErrorState error={latest.error} />}
      {latest.isSuccess && latest.data.items.length === 0 && (
        <p className="menu__empty" data-testid="notifications-empty">
          Nothing yet. Deployments, backups, servers and alerts of this team show up here as they happen.
        </p>
      )}
      {latest.isSuccess &&
        latest.data.items.map((notification) =>
          notificationTarget(notification.url) ? (
            <NotificationLink
              key={notification.id}
              notification={notification}
              role="menuitem"
              className={notification.read ? 'menu__item notification' : 'menu__item notification notification--unread'}
              data-testid={`bell-notification-${notification.id}`}
              onClick={() => open(notification)}
            >
              <NotificationEntry notification={notification} />
            </NotificationLink>
          ) : (
            <button
              key={notification.id}
              type="button"
              role="menuitem"
              className={notification.read ? 'menu__item notification' : 'menu__item notification notification--unread'}
              data-testid={`bell-notification-${notification.id}`}
              onClick={() => open(notification)}
            >
              <NotificationEntry notification={notification} />
            </button>
          ),
        )}
      <div className="menu__separator" role="separator" />
      <div className="bell__footer">
        <Link role="menuitem" className="menu__item" to="/notifications" onClick={close}>
          All notifications
        </Link>
        <Link role="menuitem" className="menu__item" to="/notifications/channels" onClick={close}>
          Channels
        </Link>
      </div>
    </>
  );
}
