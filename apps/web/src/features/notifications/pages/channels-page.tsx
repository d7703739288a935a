import { NOTIFICATION_EVENT_KINDS, type NotificationChannelDto, type NotificationTestResultDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DataTable, type TableShape } from '../../../components/data-table';
import { PageHeader } from '../../../components/page-header';
import { QueryView } from '../../../components/query-view';
import { EditDeleteButtons } from '../../../components/row-actions';
import { TimeAgo } from '../../../components/time-ago';
import { TeamSection } from '../../../shared/teams/team-section';
import type { CreatedNotificationChannel } from '../api';
import { ChannelDialog } from '../components/channel-dialog';
import { ChannelState } from '../components/channel-state';
import { SigningSecretDialog } from '../components/signing-secret-dialog';
import { TestResult } from '../components/test-result';
import { CHANNEL_KIND_LABELS, subscribedEvents, whyCannotManageChannels } from '../labels';
import { useDeleteChannel, useTestChannel } from '../mutations';
import { useChannels } from '../queries';
import '../notifications.css';
import '../../../shared/applications/applications.css';

const TABLE: TableShape = {
  label: 'Notification channels',
  testId: 'notification-channels',
  columns: ['Name', 'Kind', 'Events', 'State', 'Last delivery', { title: 'Actions', hidden: true }],
};

type TestState = { pending: true } | { pending: false; result?: NotificationTestResultDto; error?: unknown };

/** Where the team's notifications go (docs/notifications.md): email, chat, ntfy and signed webhooks. */
export function ChannelsPage() {
  return (
    <>
      <PageHeader
        title="Notification channels"
        description="Where this team's notifications go besides the bell: email, Slack, Mattermost, Discord, Telegram, ntfy or a signed webhook, each for the events it subscribes to."
        actions={
          <Link className="button button--secondary notifications__header-link" to="/notifications">
            All notifications
          </Link>
        }
      />
      <TeamSection className="channels" label="Notification channels" noTeam="Join or create a team to send its notifications somewhere.">
        {(team) => <ChannelList key={team.teamId} teamId={team.teamId} refusal={whyCannotManageChannels(team.role)} />}
      </TeamSection>
    </>
  );
}

function ChannelList({ teamId, refusal }: { teamId: string; refusal?: string }) {
  const channels = useChannels(teamId);
  const test = useTestChannel(teamId);
  const remove = useDeleteChannel(teamId);
  const [editing, setEditing] = useState<NotificationChannelDto | 'new' | undefined>();
  const [deleting, setDeleting] = useState<NotificationChannelDto | undefined>();
  const [created, setCreated] = useState<CreatedNotificationChannel | undefined>();
  const [tests, setTests] = useState<Record<string, TestState>>({});

  const runTest = (id: string) => {
    setTests((all) => ({ ...all, [id]: { pending: true } }));
    test.mutate(id, {
      onSuccess: (result) => setTests((all) => ({ ...all, [id]: { pending: false, result } })),
      onError: (error) => setTests((all) => ({ ...all, [id]: { pending: false, error } })),
    });
  };

  return (
    <>
      <div className="notifications__toolbar">
        <span className="muted">Each channel receives the events it subscribes to; the bell shows them all.</span>
        <Button plus small refusal={refusal} onClick={() => setEditing('new')}>
          Add channel
        </Button>
      </div>
      <QueryView query={channels} lines={3}>
        {(items) =>
          items.length === 0 ? (
            <div className="empty-state" data-testid="channels-empty">
              <p>
                No channels yet: notifications only reach the bell of whoever has Zpanel open. Add one so a failed deployment or a missed backup
                reaches someone at night.
              </p>
              <Button plus refusal={refusal} onClick={() => setEditing('new')}>
                Add your first channel
              </Button>
            </div>
          ) : (
            <DataTable {...TABLE} items={items}>
              {(channel) => {
                const state = tests[channel.id];
                return (
                  <tr key={channel.id} data-testid={`channel-${channel.id}`}>
                    <td>
                      <Link to={`/notifications/channels/${channel.id}`}>{channel.name}</Link>
                    </td>
                    <td>{CHANNEL_KIND_LABELS[channel.kind]}</td>
                    <td>{subscribedEvents(channel, NOTIFICATION_EVENT_KINDS.length)}</td>
                    <td>
                      <ChannelState channel={channel} />
                    </td>
                    <td>{channel.lastDeliveryAt ? <TimeAgo iso={channel.lastDeliveryAt} /> : <span className="muted">Never</span>}</td>
                    <td>
                      <div className="channels__actions">
                        <Button
                          tone="secondary"
                          small
                          refusal={refusal}
                          disabled={state?.pending}
                          aria-label={`Send a test to ${channel.name}`}
                          onClick={() => runTest(channel.id)}
                        >
                          Send test
                        </Button>
                        <EditDeleteButtons
                          name={channel.name}
                          refusal={refusal}
                          onEdit={() => setEditing(channel)}
                          onDelete={() => setDeleting(channel)}
                        />
                      </div>
                      {state && (
                        <div data-testid="channel-test">
                          <TestResult
                            pending={state.pending}
                            result={state.pending ? undefined : state.result}
                            error={state.pending ? undefined : state.error}
                          />
                        </div>
                      )}
                    </td>
                  </tr>
                );
              }}
            </DataTable>
          )
        }
      </QueryView>
      {editing && (
        <ChannelDialog
          teamId={teamId}
          channel={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onCreated={(channel) => {
            setEditing(undefined);
            if (channel.signingSecret) setCreated(channel);
          }}
        />
      )}
      {created?.signingSecret && <SigningSecretDialog name={created.name} secret={created.signingSecret} onClose={() => setCreated(undefined)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          description="It stops receiving notifications, and its delivery log is deleted with it."
          confirmLabel="Delete channel"
          pendingLabel="Deleting…"
          submission={remove}
          onConfirm={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(undefined) })}
          onClose={() => {
            remove.reset();
            setDeleting(undefined);
          }}
        />
      )}
    </>
  );
}
