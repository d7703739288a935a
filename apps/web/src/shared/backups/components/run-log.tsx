import { useQueryClient } from '@tanstack/react-query';
import type { BackupStatus, BackupWithLogDto, RestoreStatus, RestoreWithLogDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { FollowLog } from '../../../components/follow-log';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { TimeAgo } from '../../../components/time-ago';
import { bytes } from '../../servers/labels';
import type { BackupSource } from '../api';
import {
  BACKUP_STATUS_LABELS,
  BACKUP_STATUS_TONES,
  RESTORE_STATUS_LABELS,
  RESTORE_STATUS_TONES,
  RESTORE_TARGET_LABELS,
  describeInventory,
} from '../labels';
import { type RunRef, backupKeys, isRunActive, runKey, useRun } from '../queries';
import { useRunLive } from '../use-run-live';

interface RunLogProps {
  teamId: string;
  source: BackupSource;
  run: RunRef;
}

function runBadge(run: RunRef, status: string) {
  if (run.kind === 'backup') {
    const value = status as BackupStatus;
    return <StatusBadge tone={BACKUP_STATUS_TONES[value]}>{BACKUP_STATUS_LABELS[value]}</StatusBadge>;
  }
  const value = status as RestoreStatus;
  return <StatusBadge tone={RESTORE_STATUS_TONES[value]}>{RESTORE_STATUS_LABELS[value]}</StatusBadge>;
}

function runTitle(run: RunRef, stored: BackupWithLogDto | RestoreWithLogDto): string {
  if (run.kind === 'backup') return 'Backup';
  return `Restore · ${RESTORE_TARGET_LABELS[(stored as RestoreWithLogDto).target].toLowerCase()}`;
}

/**
 * A backup run or a restore: how it ended (with the reason of a failure) and its log, kept scrolled to
 * the newest line until the reader scrolls up. One that has not ended is followed live (the topic
 * replays the log from the start, so nothing before the page opened is missed); when it ends, the
 * source's schedules and history are asked again. Without the live topic the stored log is polled.
 */
export function RunLog({ teamId, source, run }: RunLogProps) {
  const queryClient = useQueryClient();
  const [liveFailed, setLiveFailed] = useState(false);
  const query = useRun(teamId, source, run, liveFailed);

  const follow = query.data !== undefined && isRunActive(run, query.data.status);
  const live = useRunLive(run, follow, () => {
    void queryClient.invalidateQueries({ queryKey: backupKeys.source(teamId, source) });
    void queryClient.invalidateQueries({ queryKey: runKey(teamId, run) });
  });
  if (live.subscription.status === 'error' && !liveFailed) setLiveFailed(true);

  if (query.isPending) return <Skeleton lines={4} />;
  if (query.isError) return <ErrorState error={query.error} />;

  const stored = query.data;
  const status = live.ended?.status ?? stored.status;
  const reason = live.ended ? live.ended.reason : stored.reason;
  const finished = !isRunActive(run, status);
  const restore = run.kind === 'restore' ? (stored as RestoreWithLogDto) : undefined;
  const checked = restore && status === 'succeeded' ? describeInventory(restore.result, bytes) : null;

  return (
    <div className="backups__run" data-testid="backup-run" data-run-id={stored.id}>
      <header className="backups__run-head">
        <strong>{runTitle(run, stored)}</strong>
        <span data-testid="backup-run-status" data-status={status}>
          {runBadge(run, status)}
        </span>
        <span className="muted">
          <TimeAgo iso={stored.createdAt} />
        </span>
      </header>
      {restore?.target === 'new' && restore.databaseId && (
        <p>
          <Link to={`/databases/${restore.databaseId}`}>Open the new database</Link>
        </p>
      )}
      {checked && <p data-testid="backup-run-result">Found after the restore: {checked}.</p>}
      {status === 'failed' && reason && (
        <p className="backups__run-error" role="alert" data-testid="backup-run-error">
          {reason}
        </p>
      )}
      {live.subscription.status === 'error' && (
        <p className="muted" role="status">
          Live log unavailable ({live.subscription.message}): the stored log is refreshed every few seconds instead.
        </p>
      )}
      <FollowLog
        text={live.started ? live.log : stored.log}
        empty={finished ? 'No output.' : status === 'queued' ? 'Waiting for a worker to start it…' : 'No output yet.'}
        label={`Log of the ${run.kind}`}
        testId="backup-run-log"
      />
    </div>
  );
}
