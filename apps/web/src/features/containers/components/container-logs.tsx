import type { ContainerLogLiveEvent } from '@zpanel/contracts';
import { useId, useLayoutEffect, useReducer, useRef, useState } from 'react';
import { useLiveSubscription } from '../../../lib/use-live-subscription';

export const DEFAULT_TAIL = 200;
const TAIL_CHOICES = [100, 200, 1_000, 5_000];
/** Lines kept on screen; older ones are let go so a chatty container cannot exhaust the tab. */
export const MAX_LOG_LINES = 5_000;

interface ShownLine {
  key: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

interface LogState {
  lines: ShownLine[];
  /** Older lines were let go to stay within MAX_LOG_LINES. */
  trimmed: boolean;
  end?: string;
  nextKey: number;
}

type LogAction = { type: 'restart' } | { type: 'event'; event: ContainerLogLiveEvent };

const EMPTY: LogState = { lines: [], trimmed: false, nextKey: 0 };

// Colour codes are removed rather than interpreted: a log is shown as text, never as markup.
const ANSI_ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, 'g');

function reduce(state: LogState, action: LogAction): LogState {
  if (action.type === 'restart') return { ...EMPTY, nextKey: state.nextKey };
  const { event } = action;
  if (event.type === 'end') return { ...state, end: event.reason };
  const added = event.lines.map((l, i) => ({ key: state.nextKey + i, stream: l.stream, text: l.line.replace(ANSI_ESCAPES, '') }));
  const lines = state.lines.concat(added);
  const over = lines.length - MAX_LOG_LINES;
  return { ...state, lines: over > 0 ? lines.slice(over) : lines, trimmed: state.trimmed || over > 0, nextKey: state.nextKey + added.length };
}

interface ContainerLogsProps {
  serverId: string;
  containerId: string;
  name: string;
  /** Adds a Close button (where the logs open below a list). */
  onClose?: () => void;
}

/**
 * A container's output: the last lines, then new ones live while "Follow" is on. Scrolling up
 * stops the view from jumping to each new line; "Jump to latest" resumes it.
 */
export function ContainerLogs({ serverId, containerId, name, onClose }: ContainerLogsProps) {
  const [tail, setTail] = useState(DEFAULT_TAIL);
  const [following, setFollowing] = useState(true);
  // Bumped by "Follow again" after a follow ended: a new key is a new follow.
  const [round, setRound] = useState(0);
  const [state, dispatch] = useReducer(reduce, EMPTY);
  const [stuck, setStuck] = useState(true);
  const viewport = useRef<HTMLDivElement>(null);
  const tailId = useId();

  const live = useLiveSubscription<'container-logs'>(
    following ? `${serverId}/${containerId}/${tail}/${round}` : null,
    () => {
      // Every subscription (also after a reconnect) is a new follow that starts with the tail again.
      dispatch({ type: 'restart' });
      return { kind: 'container-logs', serverId, containerId, tail };
    },
    (event) => dispatch({ type: 'event', event }),
  );

  useLayoutEffect(() => {
    const element = viewport.current;
    if (stuck && element) element.scrollTop = element.scrollHeight;
  }, [state.lines, stuck]);

  const onScroll = () => {
    const element = viewport.current;
    if (element) setStuck(element.scrollHeight - element.scrollTop - element.clientHeight <= 8);
  };

  const status = !following
    ? 'Paused'
    : live.status === 'error'
      ? live.message
      : state.end
        ? `Ended: ${state.end}`
        : live.status === 'live'
          ? 'Following'
          : 'Connecting…';

  return (
    <section className="panel container-logs" aria-label={`Logs of ${name}`} data-testid="container-logs">
      <header className="toolbar toolbar--ruled">
        <h3 className="container-logs__title">
          Logs <code>{name}</code>
        </h3>
        <div className="container-logs__controls">
          <label htmlFor={tailId} className="container-logs__label">
            Last lines
          </label>
          <select id={tailId} className="input container-logs__tail" value={tail} onChange={(event) => setTail(Number(event.target.value))}>
            {TAIL_CHOICES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <label className="container-logs__follow">
            <input type="checkbox" checked={following} onChange={(event) => setFollowing(event.target.checked)} />
            Follow
          </label>
          {onClose && (
            <button type="button" className="button button--secondary button--small" onClick={onClose}>
              Close
            </button>
          )}
        </div>
      </header>
      <p
        className={live.status === 'error' ? 'container-logs__status container-logs__status--error' : 'container-logs__status'}
        role="status"
        data-testid="container-logs-status"
      >
        {status}
        {following && state.end && (
          <button type="button" className="link-button container-logs__again" onClick={() => setRound((r) => r + 1)}>
            Follow again
          </button>
        )}
      </p>
      {state.trimmed && <p className="container-logs__note">Showing the last {MAX_LOG_LINES} lines; older ones were let go.</p>}
      <div
        ref={viewport}
        className="container-logs__viewport"
        role="log"
        aria-live="off"
        tabIndex={0}
        onScroll={onScroll}
        data-testid="container-log-lines"
      >
        {state.lines.length === 0 ? (
          <p className="container-logs__empty">{live.status === 'live' && !state.end ? 'No output yet.' : 'No output.'}</p>
        ) : (
          state.lines.map((line) => (
            <div key={line.key} className={`container-logs__line container-logs__line--${line.stream}`} data-stream={line.stream}>
              <span className="container-logs__stream" aria-label={line.stream}>
                {line.stream === 'stderr' ? 'err' : 'out'}
              </span>
              <span className="container-logs__text">{line.text}</span>
            </div>
          ))
        )}
      </div>
      {!stuck && (
        <button
          type="button"
          className="button button--secondary button--small container-logs__jump"
          onClick={() => {
            setStuck(true);
          }}
        >
          Jump to latest
        </button>
      )}
    </section>
  );
}
