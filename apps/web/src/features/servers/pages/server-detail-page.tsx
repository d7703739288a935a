import { useState } from 'react';
import { NavLink, Outlet, useNavigate, useParams } from 'react-router';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorState } from '../../../components/error-state';
import { PageHeader } from '../../../components/page-header';
import { useServerEvents } from '../../../shared/metrics/use-server-events';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { EditServerDialog } from '../components/edit-server-dialog';
import { isHostKeyChange, whyCannotManageServers } from '../../../shared/servers/labels';
import { useDeleteServer, useTrustHostKey, useValidateServer } from '../mutations';
import { useServer } from '../../../shared/servers/queries';
import { type ServerOutletContext, SERVER_TABS } from '../../../shared/servers/server-outlet';
import '../servers.css';
import { Button } from '../../../components/button';
import { PagePlaceholder } from '../../../components/page-placeholder';

type Dialogs = 'edit' | 'trust' | 'delete' | undefined;

export function ServerDetailPage() {
  const { serverId = '' } = useParams();
  const { current } = useCurrentTeam();
  const teamId = current?.teamId ?? '';
  const server = useServer(teamId, current ? serverId : undefined);
  // Status changes update the badge; samples and alerts feed the tabs.
  const live = useServerEvents(teamId, current ? serverId : undefined);
  const validate = useValidateServer(teamId);
  const trust = useTrustHostKey(teamId);
  const remove = useDeleteServer(teamId);
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<Dialogs>();
  const refusal = current ? whyCannotManageServers(current.role) : undefined;

  if (!current || server.isPending) return <PagePlaceholder title="Server" />;
  if (server.isError) {
    return <PagePlaceholder title="Server" failure={{ error: server.error, backTo: '/servers', backLabel: 'Back to servers' }} />;
  }
  const s = server.data;
  const validating = s.status === 'validating';
  const hostKeyChanged = isHostKeyChange(s.statusReasonCode);
  const openDialog = (next: Dialogs) => {
    trust.reset();
    remove.reset();
    setDialog(next);
  };

  const trustButton = (
    <button
      type="button"
      className={hostKeyChanged ? 'button button--danger' : 'button button--secondary'}
      disabled={Boolean(refusal) || validating}
      title={refusal}
      onClick={() => openDialog('trust')}
    >
      Trust new host key
    </button>
  );

  return (
    <>
      <PageHeader
        title={s.name}
        description={s.description || `${s.user}@${s.host}:${s.port}`}
        actions={
          <div className="servers__actions">
            <Button refusal={refusal} disabled={validating || validate.isPending} onClick={() => validate.mutate(s.id)}>
              {validating ? 'Validating…' : 'Validate again'}
            </Button>
            {!hostKeyChanged && trustButton}
            <Button tone="secondary" refusal={refusal} onClick={() => openDialog('edit')}>
              Edit
            </Button>
            <Button tone="secondary" refusal={refusal} onClick={() => openDialog('delete')}>
              Delete
            </Button>
          </div>
        }
      />
      {refusal && <p className="servers__notice">{refusal}. You can see this server but not change it.</p>}
      {hostKeyChanged && (
        <div className="servers__warning" role="alert" data-testid="host-key-changed">
          <p>
            <strong>The host key changed.</strong> If you reinstalled or replaced this server, trust its new host key. Otherwise someone may be
            intercepting the connection: do not trust it until you know why.
          </p>
          {trustButton}
        </div>
      )}
      {validate.error !== null && <ErrorState error={validate.error} />}
      <nav className="server-tabs" aria-label="Server sections">
        {SERVER_TABS.map((tab) => (
          <NavLink
            key={tab.path}
            to={tab.path}
            end
            className={({ isActive }) => (isActive ? 'server-tabs__tab server-tabs__tab--active' : 'server-tabs__tab')}
          >
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet context={{ server: s, teamId, role: current.role, live } satisfies ServerOutletContext} />
      {dialog === 'edit' && <EditServerDialog teamId={teamId} server={s} onClose={() => setDialog(undefined)} />}
      {dialog === 'trust' && (
        <ConfirmDialog
          title="Trust the new host key?"
          description="Zpanel forgets the recorded host key and pins whichever key the server presents now. Do this only if you reinstalled or replaced the server: otherwise the new key may belong to someone intercepting the connection."
          confirmLabel="Trust new host key"
          pendingLabel="Trusting…"
          submission={trust}
          onConfirm={() => trust.mutate(s.id, { onSuccess: () => setDialog(undefined) })}
          onClose={() => setDialog(undefined)}
        >
          {s.hostKeyFingerprint && (
            <p>
              Recorded key: <code>{s.hostKeyFingerprint}</code>
            </p>
          )}
        </ConfirmDialog>
      )}
      {dialog === 'delete' && (
        <ConfirmDialog
          title={`Delete ${s.name}?`}
          description="Zpanel forgets the server. Nothing on the machine itself is touched."
          confirmLabel="Delete server"
          pendingLabel="Deleting…"
          submission={remove}
          onConfirm={() => remove.mutate(s.id, { onSuccess: () => void navigate('/servers') })}
          onClose={() => setDialog(undefined)}
        />
      )}
    </>
  );
}
