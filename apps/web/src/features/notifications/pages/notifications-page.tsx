import type { NotificationDto } from '@zpanel/contracts';
import { Link, useSearchParams } from 'react-router';
import { Button } from '../../../components/button';
import { PageHeader } from '../../../components/page-header';
import { EmptyPage, Pagination, usePageParam } from '../../../components/pagination';
import { QueryView } from '../../../components/query-view';
import { TeamSection } from '../../../shared/teams/team-section';
import { NotificationEntry, NotificationLink } from '../components/notification-entry';
import { notificationTarget } from '../labels';
import { allUpTo, useMarkNotificationsRead } from '../mutations';
import { NOTIFICATIONS_PER_PAGE, useNotifications, useUnreadCount } from '../queries';
import '../notifications.css';

/** Every notification of the current team for the signed-in member, newest first, with an "unread only" filter. */
export function NotificationsPage() {
  return (
    <>
      <PageHeader
        title="Notifications"
        description="What happened in this team: deployments, previews, backups, servers, alerts and databases, and notices about your account."
        actions={
          <Link className="button button--secondary notifications__header-link" to="/notifications/channels">
            Channels
          </Link>
        }
      />
      <TeamSection className="notifications" label="Notifications" noTeam="Join or create a team to receive its notifications.">
        {(team) => <NotificationList key={team.teamId} teamId={team.teamId} />}
      </TeamSection>
    </>
  );
}

function NotificationList({ teamId }: { teamId: string }) {
  const [page, setPage] = usePageParam();
  const [params, setParams] = useSearchParams();
  const unreadOnly = params.get('unread') === '1';
  const notifications = useNotifications(teamId, page, NOTIFICATIONS_PER_PAGE, unreadOnly);
  const unread = useUnreadCount(teamId);
  const markRead = useMarkNotificationsRead(teamId);
  const setUnreadOnly = (only: boolean) =>
    setParams((currentParams) => {
      const next = new URLSearchParams(currentParams);
      next.delete('page');
      if (only) next.set('unread', '1');
      else next.delete('unread');
      return next;
    });
  const read = (notification: NotificationDto) => {
    if (!notification.read) markRead.mutate({ ids: [notification.id] });
  };

  return (
    <>
      <div className="notifications__toolbar">
        <label className="applications__check">
          <input type="checkbox" checked={unreadOnly} onChange={(event) => setUnreadOnly(event.target.checked)} />
          Unread only
        </label>
        <Button
          tone="secondary"
          small
          disabled={!unread.data?.unread || markRead.isPending}
          onClick={() => markRead.mutate(allUpTo(page === 1 ? notifications.data?.items[0] : undefined))}
        >
          Mark all read
        </Button>
      </div>
      <QueryView query={notifications} lines={4}>
        {(data) => {
          if (data.total === 0) {
            return (
              <div className="empty-state" data-testid="notifications-empty">
                {unreadOnly
                  ? 'Nothing unread.'
                  : 'No notifications yet. Deployments, backups, servers and alerts of this team show up here as they happen; add a channel to get them by email, chat or webhook too.'}
              </div>
            );
          }
          if (data.items.length === 0) return <EmptyPage onPageChange={setPage} />;
          return (
            <>
              <ul className="notifications__list" aria-label="Notifications">
                {data.items.map((notification) => (
                  <li
                    key={notification.id}
                    className={notification.read ? 'notification' : 'notification notification--unread'}
                    data-testid={`notification-${notification.id}`}
                  >
                    <NotificationEntry notification={notification} />
                    <span className="notifications__actions">
                      {notificationTarget(notification.url) && (
                        <NotificationLink
                          notification={notification}
                          className="button button--secondary button--small"
                          onClick={() => read(notification)}
                        >
                          Open
                        </NotificationLink>
                      )}
                      {!notification.read && (
                        <Button tone="secondary" small aria-label={`Mark ${notification.title} read`} onClick={() => read(notification)}>
                          Mark read
                        </Button>
                      )}
                    </span>
                  </li>
                ))}
              </ul>
              <Pagination
                page={page}
                perPage={data.perPage || NOTIFICATIONS_PER_PAGE}
                total={data.total}
                onPageChange={setPage}
                label="Notification pages"
              />
            </>
          );
        }}
      </QueryView>
    </>
  );
}
