import type { DatabaseDto, DatabaseOperationDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorState } from '../../../components/error-state';
import type { DatabaseAction } from '../api';
import { OPERATION_KIND_LABELS } from '../labels';
import { useDatabaseAction } from '../mutations';
import { DeleteDatabaseDialog } from './delete-database-dialog';

interface DatabaseActionsProps {
  teamId: string;
  database: DatabaseDto;
  /** The operation queued or running, if any: the API refuses another until it ends. */
  activeOperation?: DatabaseOperationDto;
  /** Why the caller cannot change the database. */
  refusal?: string;
}

/** What each action asks before it runs (start asks nothing: it only brings back what was there). */
type Confirmed = Exclude<DatabaseAction, 'start'>;

const CONFIRMATIONS: Record<Confirmed, { title: string; description: string; label: string; pending: string }> = {
  stop: {
    title: 'Stop',
    description: 'The container stops; applications cannot connect until it is started again. The data stays.',
    label: 'Stop database',
    pending: 'Stopping…',
  },
  restart: {
    title: 'Restart',
    description: 'The engine restarts: open connections are dropped, and applications reconnect once it accepts connections again.',
    label: 'Restart database',
    pending: 'Restarting…',
  },
  'rotate-password': {
    title: 'Rotate the password of',
    description:
      'A new password is generated and set in the engine; the old one stops working at once. Applications that reference the database get the new one at their next deployment: redeploy them.',
    label: 'Rotate password',
    pending: 'Rotating…',
  },
};

/** Why an action cannot run now, from the database's status; undefined: it can. */
function whyNot(action: DatabaseAction, database: DatabaseDto): string | undefined {
  const { status } = database;
  if (status === 'creating') return 'Wait until the database is created';
  if (status === 'deleting') return 'The database is being deleted';
  if (action === 'start' && status !== 'stopped' && status !== 'failed') return 'The database is not stopped';
  if ((action === 'stop' || action === 'restart') && status === 'stopped') return 'The database is stopped';
  if (action === 'rotate-password' && status !== 'running') return 'Only a running database can change its password';
  return undefined;
}

/** Start, stop, restart, password rotation and deletion, each refused with its reason when it cannot run. */
export function DatabaseActions({ teamId, database, activeOperation, refusal }: DatabaseActionsProps) {
  const action = useDatabaseAction(teamId, database.id);
  const [asking, setAsking] = useState<Confirmed | 'delete'>();
  const busy = activeOperation ? `Wait until the running operation (${OPERATION_KIND_LABELS[activeOperation.kind].toLowerCase()}) ends` : undefined;
  const refusalOf = (kind: DatabaseAction) => refusal ?? busy ?? whyNot(kind, database);
  const open = (kind: Confirmed | 'delete') => {
    action.reset();
    setAsking(kind);
  };
  const close = () => setAsking(undefined);
  const confirming = asking === 'delete' ? undefined : asking;

  return (
    <div className="databases__actions" data-testid="database-actions">
      <Button
        tone="secondary"
        refusal={refusalOf('start')}
        disabled={action.isPending}
        onClick={() => {
          action.reset();
          action.mutate('start');
        }}
      >
        Start
      </Button>
      <Button tone="secondary" refusal={refusalOf('stop')} onClick={() => open('stop')}>
        Stop
      </Button>
      <Button tone="secondary" refusal={refusalOf('restart')} onClick={() => open('restart')}>
        Restart
      </Button>
      <Button tone="secondary" refusal={refusalOf('rotate-password')} onClick={() => open('rotate-password')}>
        Rotate password
      </Button>
      <Button
        tone="danger"
        refusal={refusal ?? (database.status === 'deleting' ? 'The database is being deleted' : undefined)}
        onClick={() => open('delete')}
      >
        Delete
      </Button>
      {!asking && action.error !== null && (
        <div className="databases__action-error">
          <ErrorState error={action.error} />
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={`${CONFIRMATIONS[confirming].title} ${database.name}?`}
          description={CONFIRMATIONS[confirming].description}
          confirmLabel={CONFIRMATIONS[confirming].label}
          pendingLabel={CONFIRMATIONS[confirming].pending}
          submission={action}
          onConfirm={() => action.mutate(confirming, { onSuccess: close })}
          onClose={close}
        />
      )}
      {asking === 'delete' && <DeleteDatabaseDialog teamId={teamId} database={database} onClose={close} />}
    </div>
  );
}
