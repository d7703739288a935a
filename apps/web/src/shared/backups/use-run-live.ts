import type { BackupRunLiveEvent } from '@zpanel/contracts';
import { useReducer } from 'react';
import type { LiveSubscriptionState } from '../../lib/use-live-subscription';
import { type RunRef, isRunActive } from './queries';

/** What the live topic said so far: the log from its start (the topic replays it), then how it ended. */
export interface LiveRun {
  log: string;
  ended?: { status: string; reason: string | null };
  /** Events arrived: the view shows them rather than the stored log. */
  started: boolean;
}

const EMPTY: LiveRun = { log: '', started: false };

export function reduceRunEvent(run: RunRef) {
  return (state: LiveRun, event: BackupRunLiveEvent): LiveRun => {
    if (event.type === 'lines') return { ...state, started: true, log: state.log + event.lines.map((line) => `${line}\n`).join('') };
    const ended = isRunActive(run, event.status) ? state.ended : { status: event.status, reason: event.reason };
    return { ...state, started: true, ended };
  };
}

/**
 * Follows a backup's or restore's live topic while `follow` holds (from the moment it is seen
 * unfinished until it ends); `onEnded` runs when the topic says it ended.
 */
export function useRunLive(run: RunRef, follow: boolean, onEnded: () => void): LiveRun & { subscription: LiveSubscriptionState } {
  const [live] = useReducer(reduceRunEvent(run), EMPTY);
  void follow;
  void onEnded;
  // The backups API has no live topic yet: the stored log is polled meanwhile.
  return { ...live, subscription: { status: 'error', message: 'no live topic for backups yet', httpStatus: 404 } };
}
