import { useQueryClient } from '@tanstack/react-query';
import type { DatabaseOperationLiveEvent, DatabaseOperationStatus } from '@zpanel/contracts';
import { useReducer, useState } from 'react';
import { ErrorState } from '../../../components/error-state';
import { FollowLog } from '../../../components/follow-log';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { TimeAgo } from '../../../components/time-ago';
import { useLiveSubscription } from '../../../lib/use-live-subscription';
import { databaseKeys } from '../../../shared/databases/queries';
import { OPERATION_KIND_LABELS, OPERATION_STATUS_LABELS, OPERATION_STATUS_TONES } from '../labels';
import { isActive, useDatabaseOperation } from '../queries';

/** What the live topic said so far: the log from its start (the topic replays it), then how it ended. */
interface LiveOperation {
  log: string;
  ended?: { status: DatabaseOperationStatus; reason: string | null };
  /** Events arrived: the view shows them rather than the stored log. */
  started: boolean;
}

const EMPTY: LiveOperation = { log: '', started: false };

function reduce(state: LiveOperation, event: DatabaseOperationLiveEvent): LiveOperation {
  if (event.type === 'lines') return { ...state, started: true, log: state.log + event.lines.map((line) => `${line}\n`).join('') };
  const ended = isActive({ status: event.status }) ? state.ended : { status: event.status, reason: event.reason };
  return { ...state, started: true, ended };
}

interface OperationLogProps {
  teamId: string;
  databaseId: string;
  operationId: string;
}

/**
 * One operation: what it does, how it ended (with the reason of a failure), and its log, kept
 * scrolled to the newest line until the reader scrolls up. One that has not ended is followed live
 * (the topic replays from the start, so nothing before the page opened is missed); when it ends, the
 * database and its operations are asked again, since it changed them.
 */
export function OperationLog({ teamId, databaseId, operationId }: OperationLogProps) {
  const queryClient = useQueryClient();
  const [live, dispatch] = useReducer(reduce, EMPTY);
  const [liveFailed, setLiveFailed] = useState(false);
  // Without the live topic (refused, or the gateway unreachable), the stored log is polled instead.
  const operation = useDatabaseOperation(teamId, databaseId, operationId, liveFailed);

  // Followed from the moment it is seen unfinished until the end, even once the stored row says it ended.
  const follow = operation.data !== undefined && (live.started || isActive(operation.data));
  const subscription = useLiveSubscription<'database-operation'>(
    follow ? operationId : null,
    (after) => ({ kind: 'database-operation', operationId, after }),
    (event) => {
      dispatch(event);
      if (event.type === 'status' && !isActive({ status: event.status })) {
        void queryClient.invalidateQueries({ queryKey: databaseKeys.detail(teamId, databaseId) });
        void queryClient.invalidateQueries({ queryKey: databaseKeys.lists(teamId) });
      }
    },
  );
  if (subscription.status === 'error' && !liveFailed) setLiveFailed(true);

  if (operation.isPending) return <Skeleton lines={4} />;
  if (operation.isError) return <ErrorState error={operation.error} />;

  const stored = operation.data;
  const status = live.ended?.status ?? stored.status;
  const reason = live.ended ? live.ended.reason : stored.reason;
  const finished = !isActive({ status });

  return (
    <div className="databases__operation" data-testid="database-operation" data-operation-id={stored.id}>
      <header className="databases__operation-head">
        <strong>{OPERATION_KIND_LABELS[stored.kind]}</strong>
        <span data-testid="database-operation-status" data-status={status}>
          <StatusBadge tone={OPERATION_STATUS_TONES[status]}>{OPERATION_STATUS_LABELS[status]}</StatusBadge>
        </span>
        <span className="muted">
          <TimeAgo iso={stored.createdAt} />
        </span>
      </header>
      {status === 'failed' && reason && (
        <p className="databases__operation-error" role="alert" data-testid="database-operation-error">
          {reason}
        </p>
      )}
      {subscription.status === 'error' && (
        <p className="muted" role="status">
          Live log unavailable ({subscription.message}): the stored log is refreshed every few seconds instead.
        </p>
      )}
      <FollowLog
        text={live.started ? live.log : stored.log}
        empty={finished ? 'No output.' : status === 'queued' ? 'Waiting for a worker to start it…' : 'No output yet.'}
        label={`Log of ${OPERATION_KIND_LABELS[stored.kind].toLowerCase()}`}
        testId="database-operation-log"
      />
    </div>
  );
}
