import { ErrorState } from '../../../components/error-state';
import { Pagination } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { dateTime, timeAgo } from '../../../lib/format';
import { RUN_STATUS_LABELS, RUN_STATUS_TONES } from '../labels';
import { COMMAND_RUNS_PER_PAGE, useCommandRuns } from '../queries';

interface CommandHistoryProps {
  teamId: string;
  serverId: string;
  page: number;
  onPageChange: (page: number) => void;
  selectedId?: string;
  onSelect: (runId: string) => void;
}

/** Commands run on the server, newest first: who, when, what, and how it ended; one opens its output. */
export function CommandHistory({ teamId, serverId, page, onPageChange, selectedId, onSelect }: CommandHistoryProps) {
  const runs = useCommandRuns(teamId, serverId, page, true);

  return (
    <section className="panel command-history" aria-label="Command history">
      <h3 className="command-history__title">History</h3>
      {runs.isPending ? (
        <Skeleton lines={3} />
      ) : runs.isError ? (
        <ErrorState error={runs.error} />
      ) : runs.data.items.length === 0 ? (
        <div className="empty-state">No commands have been run on this server yet.</div>
      ) : (
        <>
          <div className="table-scroll">
            <table className="table" aria-label="Commands run" data-testid="command-history">
              <thead>
                <tr>
                  <th scope="col">Command</th>
                  <th scope="col">Status</th>
                  <th scope="col">Exit code</th>
                  <th scope="col">By</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.items.map((run) => (
                  <tr
                    key={run.id}
                    aria-current={run.id === selectedId ? 'true' : undefined}
                    className={run.id === selectedId ? 'command-history__row--selected' : undefined}
                    data-testid={`command-history-${run.id}`}
                  >
                    <td>
                      <button type="button" className="link-button command-history__command" title={run.command} onClick={() => onSelect(run.id)}>
                        {run.command}
                      </button>
                    </td>
                    <td>
                      <StatusBadge tone={RUN_STATUS_TONES[run.status]}>{RUN_STATUS_LABELS[run.status]}</StatusBadge>
                    </td>
                    <td className="num">{run.exitCode ?? '—'}</td>
                    <td>
                      {run.actor.name}
                      {run.actor.type === 'token' && <span className="muted"> (API token)</span>}
                    </td>
                    <td>
                      <time dateTime={run.createdAt} title={dateTime(run.createdAt)}>
                        {timeAgo(run.createdAt)}
                      </time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={page} perPage={COMMAND_RUNS_PER_PAGE} total={runs.data.total} onPageChange={onPageChange} label="Command history pages" />
        </>
      )}
    </section>
  );
}
