import type { BackupDestinationCheckDto, BackupDestinationDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DataTable, type TableShape } from '../../../components/data-table';
import { ErrorState } from '../../../components/error-state';
import { PageHeader } from '../../../components/page-header';
import { QueryView } from '../../../components/query-view';
import { EditDeleteButtons } from '../../../components/row-actions';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { milliseconds } from '../../../lib/format';
import { seesSecrets, whyCannotWrite } from '../../../shared/applications/labels';
import { useServerChoices } from '../../../shared/applications/queries';
import { destinationWhere } from '../../../shared/backups/labels';
import { useDestinations } from '../../../shared/backups/queries';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { DestinationDialog } from '../components/destination-dialog';
import { DestinationKeyDialog } from '../components/destination-key-dialog';
import { useCheckDestination, useDeleteDestination } from '../mutations';
import '../../../shared/applications/applications.css';
import '../../../shared/backups/backups.css';

const TABLE: TableShape = {
  label: 'Backup destinations',
  testId: 'backup-destinations',
  columns: ['Name', 'Kind', 'Where', 'Key ID', { title: 'Backups', numeric: true }, 'Check', { title: 'Actions', hidden: true }],
};

type CheckState = { pending: true } | { pending: false; result?: BackupDestinationCheckDto; error?: unknown };

/** Where the team's backups go (docs/backups.md): S3-compatible buckets and directories on its servers. */
export function DestinationsPage() {
  const { me, current } = useCurrentTeam();
  const [editing, setEditing] = useState<BackupDestinationDto | 'new' | undefined>();
  const teamId = current?.teamId ?? '';
  const refusal = current ? whyCannotWrite(current.role) : undefined;

  return (
    <>
      <PageHeader
        title="Backup destinations"
        description="Where backups of the team's databases and volumes go. Each destination has its own encryption key; backups are encrypted before they leave the server."
        actions={
          current && (
            <Button plus refusal={refusal} onClick={() => setEditing('new')}>
              Add destination
            </Button>
          )
        }
      />
      <section className="panel" aria-label="Backup destinations">
        {me.isPending && <Skeleton lines={3} />}
        {me.isError && <ErrorState error={me.error} />}
        {me.isSuccess && !current && <div className="empty-state">Join or create a team to back up its databases.</div>}
        {current && <DestinationList teamId={teamId} refusal={refusal} mayReveal={seesSecrets(current.role)} onEdit={setEditing} />}
      </section>
      {editing && current && (
        <DestinationDialog teamId={teamId} destination={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} />
      )}
    </>
  );
}

interface DestinationListProps {
  teamId: string;
  refusal?: string;
  mayReveal: boolean;
  onEdit: (destination: BackupDestinationDto) => void;
}

function DestinationList({ teamId, refusal, mayReveal, onEdit }: DestinationListProps) {
  const destinations = useDestinations(teamId);
  const servers = useServerChoices(teamId);
  const check = useCheckDestination();
  const remove = useDeleteDestination(teamId);
  const [checks, setChecks] = useState<Record<string, CheckState>>({});
  const [revealing, setRevealing] = useState<BackupDestinationDto | undefined>();
  const [deleting, setDeleting] = useState<BackupDestinationDto | undefined>();
  const serverName = (id: string | null) => servers.data?.items.find((server) => server.id === id)?.name;

  const runCheck = (id: string) => {
    setChecks((all) => ({ ...all, [id]: { pending: true } }));
    check.mutate(id, {
      onSuccess: (result) => setChecks((all) => ({ ...all, [id]: { pending: false, result } })),
      onError: (error) => setChecks((all) => ({ ...all, [id]: { pending: false, error } })),
    });
  };

  return (
    <>
      <QueryView query={destinations} lines={3}>
        {(page) =>
          page.items.length === 0 ? (
            <div className="empty-state" data-testid="destinations-empty">
              No destinations yet. Add an S3-compatible bucket or a directory on one of your servers, then schedule backups from a database’s or a
              volume’s Backups tab.
            </div>
          ) : (
            <DataTable {...TABLE} items={page.items}>
              {(destination) => {
                const state = checks[destination.id];
                return (
                  <tr key={destination.id} data-testid={`destination-${destination.id}`}>
                    <td>{destination.name}</td>
                    <td>{destination.kind === 's3' ? 'S3' : 'Server directory'}</td>
                    <td className="mono">{destinationWhere(destination, serverName(destination.serverId))}</td>
                    <td>
                      <code>{destination.keyId}</code>
                    </td>
                    <td className="num">{destination.backupCount}</td>
                    <td data-testid="destination-check">
                      {state?.pending && <span className="muted">Checking…</span>}
                      {state && !state.pending && state.result?.ok && (
                        <StatusBadge tone="ok">OK · {milliseconds(state.result.latencyMs)}</StatusBadge>
                      )}
                      {state && !state.pending && state.result && !state.result.ok && (
                        <>
                          <StatusBadge tone="down">Failed</StatusBadge>
                          <p className="backups__reason">{state.result.error}</p>
                        </>
                      )}
                      {state && !state.pending && state.error !== undefined && <ErrorState error={state.error} />}
                    </td>
                    <td className="backups__actions">
                      <Button
                        tone="secondary"
                        small
                        disabled={state?.pending}
                        aria-label={`Check ${destination.name}`}
                        onClick={() => runCheck(destination.id)}
                      >
                        Check
                      </Button>
                      <Button
                        tone="secondary"
                        small
                        refusal={mayReveal ? undefined : 'Your role cannot see secrets (read:sensitive)'}
                        aria-label={`Reveal the key of ${destination.name}`}
                        onClick={() => setRevealing(destination)}
                      >
                        Reveal key
                      </Button>
                      <EditDeleteButtons
                        name={destination.name}
                        refusal={refusal}
                        onEdit={() => onEdit(destination)}
                        onDelete={() => setDeleting(destination)}
                      />
                    </td>
                  </tr>
                );
              }}
            </DataTable>
          )
        }
      </QueryView>
      {revealing && <DestinationKeyDialog destination={revealing} onClose={() => setRevealing(undefined)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          description="Zpanel forgets this destination and its key. A destination that still holds backups or is used by a schedule cannot be deleted."
          confirmLabel="Delete destination"
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
