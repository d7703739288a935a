import { useQueryClient } from '@tanstack/react-query';
import { COMMAND_OUTPUT_TRUNCATED_MARKER, type CommandRunLiveEvent, type CommandRunStatus, isCommandRunFinished } from '@zpanel/contracts';
import { useLayoutEffect, useReducer, useRef, useState } from 'react';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { useLiveSubscription } from '../../../lib/use-live-subscription';
import { RUN_STATUS_LABELS, RUN_STATUS_TONES } from '../labels';
import { useCancelCommandRun } from '../mutations';
import { commandRunKeys, useCommandRun } from '../queries';
import { TimeAgo } from '../../../components/time-ago';

interface Chunk {
  key: number;
  stream: 'stdout' | 'stderr';
  data: string;
}

/** What the live topic said so far: output chunks in order (stdout and stderr apart), then the outcome. */
interface LiveRun {
  chunks: Chunk[];
  finished?: { status: CommandRunStatus; exitCode: number | null };
  /** Events arrived: the view shows them rather than the stored output. */
  started: boolean;
}

const EMPTY: LiveRun = { chunks: [], started: false };

function reduce(state: LiveRun, event: CommandRunLiveEvent): LiveRun {
  if (event.type === 'finished') return { ...state, started: true, finished: { status: event.status, exitCode: event.exitCode } };
  const last = state.chunks[state.chunks.length - 1];
  // Consecutive pieces of one stream read as one block.
  const chunks =
    last && last.stream === event.stream
      ? [...state.chunks.slice(0, -1), { ...last, data: last.data + event.data }]
      : [...state.chunks, { key: state.chunks.length, stream: event.stream, data: event.data }];
  return { ...state, chunks, started: true };
}

interface CommandRunViewProps {
  teamId: string;
  serverId: string;
  runId: string;
}

/**
 * One run: its command, who ran it and how it ended. A run that has not finished is followed live
 * (the topic replays from the start, so nothing before the page opened is missed), with stdout and
 * stderr told apart; a finished one shows the stored output.
 */
export function CommandRunView({ teamId, serverId, runId }: CommandRunViewProps) {
  const queryClient = useQueryClient();
  const run = useCommandRun(teamId, serverId, runId);
  const cancel = useCancelCommandRun(teamId, serverId);
  const [live, dispatch] = useReducer(reduce, EMPTY);
  const [stuck, setStuck] = useState(true);
  const viewport = useRef<HTMLPreElement>(null);

  // Followed from the moment it is seen unfinished until the end, even once the stored row says it ended.
  const follow = run.data !== undefined && (live.started || !isCommandRunFinished(run.data.status));
  const subscription = useLiveSubscription<'command-run'>(
    follow ? runId : null,
    (after) => ({ kind: 'command-run', runId, after }),
    (event) => {
      dispatch(event);
      if (event.type === 'finished') {
        void queryClient.invalidateQueries({ queryKey: commandRunKeys.detail(teamId, serverId, runId) });
        void queryClient.invalidateQueries({ queryKey: commandRunKeys.lists(teamId, serverId) });
      }
    },
  );

  useLayoutEffect(() => {
    const element = viewport.current;
    if (stuck && element) element.scrollTop = element.scrollHeight;
  }, [live.chunks, run.data?.output, stuck]);

  if (run.isPending) {
    return (
      <section className="panel command-run" aria-label="Command output">
        <Skeleton lines={4} />
      </section>
    );
  }
  if (run.isError) {
    return (
      <section className="panel command-run" aria-label="Command output">
        <ErrorState error={run.error} />
      </section>
    );
  }

  const stored = run.data;
  const status = live.finished?.status ?? stored.status;
  const exitCode = live.finished ? live.finished.exitCode : stored.exitCode;
  const finished = isCommandRunFinished(status);
  const showLive = live.started;
  const liveText = live.chunks.map((c) => c.data).join('');
  const truncated = stored.outputTruncated || (showLive && liveText.endsWith(COMMAND_OUTPUT_TRUNCATED_MARKER));
  const cancelling = !finished && (stored.cancelRequested || cancel.isPending);
  const empty = showLive ? live.chunks.length === 0 : stored.output === '';

  const onScroll = () => {
    const element = viewport.current;
    if (element) setStuck(element.scrollHeight - element.scrollTop - element.clientHeight <= 8);
  };

  return (
    <section className="panel command-run" aria-label="Command output" data-testid="command-run">
      <header className="toolbar toolbar--ruled toolbar--top">
        <div className="command-run__what">
          <code className="command-run__command" data-testid="command-run-command">
            {stored.command}
          </code>
          <p className="command-run__meta">
            {stored.actor.name}
            {stored.actor.type === 'token' && ' (API token)'} · <TimeAgo iso={stored.createdAt} /> · timeout {stored.timeoutSeconds} s
          </p>
        </div>
        <div className="command-run__outcome">
          <span data-testid="command-run-status">
            <StatusBadge tone={RUN_STATUS_TONES[status]}>{RUN_STATUS_LABELS[status]}</StatusBadge>
          </span>
          {exitCode !== null && (
            <span className="command-run__exit" data-testid="command-run-exit-code">
              exit code {exitCode}
            </span>
          )}
          {!finished && (
            <button type="button" className="button button--secondary button--small" disabled={cancelling} onClick={() => cancel.mutate(runId)}>
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
        </div>
      </header>
      {cancel.error !== null && <ErrorState error={cancel.error} />}
      {isCommandRunFinished(stored.status) && stored.error && (
        <p className="command-run__reason" data-testid="command-run-reason">
          {stored.error}
        </p>
      )}
      {subscription.status === 'error' && (
        <p className="command-run__note command-run__note--error" role="alert">
          Live output unavailable: {subscription.message}
        </p>
      )}
      {truncated && (
        <p className="command-run__note" data-testid="command-run-truncated">
          The output passed 1 MiB: only the first 1 MiB was kept.
        </p>
      )}
      <pre
        ref={viewport}
        className="command-run__output"
        role="log"
        aria-label="Output"
        tabIndex={0}
        onScroll={onScroll}
        data-testid="command-run-output"
      >
        {empty ? (
          <span className="command-run__empty">
            {finished ? 'No output.' : status === 'queued' ? 'Waiting for a worker to start it…' : 'No output yet.'}
          </span>
        ) : showLive ? (
          live.chunks.map((chunk) => (
            <span key={chunk.key} className={`command-run__chunk command-run__chunk--${chunk.stream}`} data-stream={chunk.stream}>
              {chunk.data}
            </span>
          ))
        ) : (
          stored.output
        )}
      </pre>
      {showLive && <p className="command-run__legend">stderr is shown in red.</p>}
    </section>
  );
}
