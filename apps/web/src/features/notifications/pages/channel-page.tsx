import { NOTIFICATION_EVENT_KINDS, type NotificationChannelDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { ErrorState } from '../../../components/error-state';
import { PageHeader } from '../../../components/page-header';
import { usePageParam } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { TimeAgo } from '../../../components/time-ago';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { ChannelDialog } from '../components/channel-dialog';
import { ChannelState } from '../components/channel-state';
import { TestResult } from '../components/test-result';
import {
  CHANNEL_KIND_LABELS,
  DELIVERY_STATUS_LABELS,
  DELIVERY_STATUS_TONES,
  eventKindLabel,
  subscribedEvents,
  whyCannotManageChannels,
} from '../labels';
import { useDeleteChannel, useTestChannel } from '../mutations';
import { DELIVERIES_PER_PAGE, useChannel, useDeliveries } from '../queries';
import '../notifications.css';
import '../../../shared/applications/applications.css';

const DELIVERIES: TableShape = {
  label: 'Deliveries',
  testId: 'channel-deliveries',
  columns: ['When', 'Event', 'Status', { title: 'Attempts', numeric: true }, 'HTTP status', 'Last error'],
};

/** One channel: its state, Send test, edit and delete, and its delivery log. */
export function ChannelPage() {
  const { channelId = '' } = useParams();
  const { me, current } = useCurrentTeam();
  return (
    <>
      {me.isPending && <Skeleton lines={3} />}
      {me.isError && <ErrorState error={me.error} />}
      {me.isSuccess && !current && <div className="empty-state">Join or create a team to send its notifications somewhere.</div>}
      {current && (
        <Channel
          key={`${current.teamId}-${channelId}`}
          teamId={current.teamId}
          channelId={channelId}
          refusal={whyCannotManageChannels(current.role)}
        />
      )}
    </>
  );
}

function Channel({ teamId, channelId, refusal }: { teamId: string; channelId: string; refusal?: string }) {
  const channel = useChannel(teamId, channelId);
  if (channel.isPending) return <Skeleton lines={3} />;
  if (channel.isError) {
    return (
      <>
        <PageHeader title="Notification channel" />
        <ErrorState error={channel.error} />
        <p>
          <Link to="/notifications/channels">All channels</Link>
        </p>
      </>
    );
  }
  return <ChannelView teamId={teamId} channel={channel.data} refusal={refusal} />;
}

function ChannelView({ teamId, channel, refusal }: { teamId: string; channel: NotificationChannelDto; refusal?: string }) {
  const navigate = useNavigate();
  const test = useTestChannel(teamId);
  const remove = useDeleteChannel(teamId);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  return (
    <>
      <PageHeader
        title={channel.name}
        description={`${CHANNEL_KIND_LABELS[channel.kind]} · ${subscribedEvents(channel, NOTIFICATION_EVENT_KINDS.length)}`}
        actions={
          <>
            <Button tone="secondary" refusal={refusal} disabled={test.isPending} onClick={() => test.mutate(channel.id)}>
              Send test
            </Button>
            <Button tone="secondary" refusal={refusal} onClick={() => setEditing(true)}>
              Edit
            </Button>
            <Button tone="danger" refusal={refusal} onClick={() => setDeleting(true)}>
              Delete
            </Button>
          </>
        }
      />
      <section className="panel panel--padded" aria-label="Channel">
        <p>
          <Link to="/notifications/channels">← All channels</Link>
        </p>
        <p data-testid="channel-state">
          <ChannelState channel={channel} />{' '}
          {channel.lastDeliveryAt ? (
            <span className="muted">
              Last delivery <TimeAgo iso={channel.lastDeliveryAt} />
            </span>
          ) : (
            <span className="muted">No delivery yet</span>
          )}
        </p>
        <TestResult pending={test.isPending} result={test.data} error={test.error ?? undefined} />
      </section>
      <section className="panel" aria-label="Deliveries">
        <h2 className="applications__heading panel--padded">Deliveries</h2>
        <Deliveries teamId={teamId} channelId={channel.id} />
      </section>
      {editing && <ChannelDialog teamId={teamId} channel={channel} onClose={() => setEditing(false)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${channel.name}?`}
          description="It stops receiving notifications, and its delivery log is deleted with it."
          confirmLabel="Delete channel"
          pendingLabel="Deleting…"
          submission={remove}
          onConfirm={() => remove.mutate(channel.id, { onSuccess: () => navigate('/notifications/channels') })}
          onClose={() => {
            remove.reset();
            setDeleting(false);
          }}
        />
      )}
    </>
  );
}

function Deliveries({ teamId, channelId }: { teamId: string; channelId: string }) {
  const [page, setPage] = usePageParam();
  return (
    <PagedTable
      query={useDeliveries(teamId, channelId, page)}
      table={DELIVERIES}
      paging={{ page, onPageChange: setPage, perPage: DELIVERIES_PER_PAGE, label: 'Delivery pages' }}
      lines={4}
      empty={
        <div className="empty-state" data-testid="deliveries-empty">
          No deliveries yet. Each event this channel receives, and each retry, shows up here.
        </div>
      }
    >
      {(delivery) => (
        <tr key={delivery.id} data-testid={`delivery-${delivery.id}`}>
          <td>
            <TimeAgo iso={delivery.createdAt} />
          </td>
          <td>
            {delivery.title}
            <br />
            <span className="muted">{eventKindLabel(delivery.eventKind)}</span>
          </td>
          <td>
            <StatusBadge tone={DELIVERY_STATUS_TONES[delivery.status]}>{DELIVERY_STATUS_LABELS[delivery.status]}</StatusBadge>
            {delivery.status === 'retrying' && delivery.nextAttemptAt && (
              <span className="muted">
                {' '}
                next <TimeAgo iso={delivery.nextAttemptAt} />
              </span>
            )}
          </td>
          <td className="num">{delivery.attempts}</td>
          <td>{delivery.responseStatus ?? <span className="muted">—</span>}</td>
          <td>{delivery.lastError ?? <span className="muted">—</span>}</td>
        </tr>
      )}
    </PagedTable>
  );
}
