import { PagedTable, type TableShape } from '../../../components/data-table';
import { StatusBadge } from '../../../components/status-badge';
import { ActorName } from '../../../components/actor-name';
import { TimeAgo } from '../../../components/time-ago';
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

const TABLE: TableShape = { label: 'Commands run', testId: 'command-history', columns: ['Command', 'Status', 'Exit code', 'By', 'When'] };

/** Commands run on the server, newest first: who, when, what, and how it ended; one opens its output. */
export function CommandHistory({ teamId, serverId, page, onPageChange, selectedId, onSelect }: CommandHistoryProps) {
  const runs = useCommandRuns(teamId, serverId, page, true);

  return (
    <section className="panel command-history" aria-label="Command history">
      <h3 className="command-history__title">History</h3>
      <PagedTable
        query={runs}
        table={TABLE}
        paging={{ page, onPageChange, perPage: COMMAND_RUNS_PER_PAGE, label: 'Command history pages' }}
        empty={<div className="empty-state">No commands have been run on this server yet.</div>}
        emptyPage={<div className="empty-state">No commands have been run on this server yet.</div>}
      >
        {(run) => (
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
              <ActorName actor={run.actor} />
            </td>
            <td>
              <TimeAgo iso={run.createdAt} />
            </td>
          </tr>
        )}
      </PagedTable>
    </section>
  );
}
