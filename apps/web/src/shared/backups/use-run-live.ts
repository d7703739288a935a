import type { BackupRunLiveEvent } from '@zpanel/contracts';
import { useReducer } from 'react';
import { type LiveSubscriptionState, useLiveSubscription } from '../../lib/use-live-subscription';
import { type RunRef, isRunActive } from './queries';

/** What the live topic said so far: the log from its start (the topic replays it), then how it ended. */
export interface LiveRun {
  log: string;
  ended?: { status: string; reason: string | null };
  /** Events arrived: the view shows them rather than the stored log. */
  started: boolean;
}

const EMPTY: LiveRun = { log: '', started: false };

function reduce(state: LiveRun, { run, event }: { run: RunRef; event: BackupRunLiveEvent }): LiveRun {
  if (event.type === 'lines') return { ...state, started: true, log: state.log + event.lines.map((line) => `${line}\n`).join('') };
  const ended = isRunActive(run, event.status) ? state.ended : { status: event.status, reason: event.reason };
  return { ...state, started: true, ended };
}

/**
 * Follows a backup's or restore's live topic while `follow` holds (from the moment it is seen
 * unfinished until it ends, even once the stored row says it ended); `onEnded` runs when the topic
 * says it ended.
 */
export function useRunLive(run: RunRef, follow: boolean, onEnded: () => void): LiveRun & { subscription: LiveSubscriptionState } {
  const [live, dispatch] = useReducer(reduce, EMPTY);
  const key = follow || live.started ? `${run.kind}:${run.id}` : null;
  const deliver = (event: BackupRunLiveEvent) => {
    dispatch({ run, event });
    if (event.type === 'status' && !isRunActive(run, event.status)) onEnded();
  };
  const backup = useLiveSubscription<'backup'>(run.kind === 'backup' ? key : null, (after) => ({ kind: 'backup', backupId: run.id, after }), deliver);
  const restore = useLiveSubscription<'restore'>(
    run.kind === 'restore' ? key : null,
    (after) => ({ kind: 'restore', restoreId: run.id, after }),
    deliver,
  );
  return { ...live, subscription: run.kind === 'backup' ? backup : restore };
}
