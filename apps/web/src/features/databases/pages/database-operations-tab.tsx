import { useSearchParams } from 'react-router';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { EmptyPage, usePageParam } from '../../../components/pagination';
import { StatusBadge } from '../../../components/status-badge';
import { TimeAgo } from '../../../components/time-ago';
import { useDatabaseOutlet } from '../../../shared/databases/database-outlet';
import { OperationLog } from '../components/operation-log';
import { OPERATION_KIND_LABELS, OPERATION_STATUS_LABELS, OPERATION_STATUS_TONES } from '../labels';
import { OPERATIONS_PER_PAGE, useDatabaseOperations } from '../queries';

const TABLE: TableShape = { label: 'Operations', testId: 'database-operations', columns: ['Operation', 'Status', 'When', 'Reason'] };

/** Every operation on the database, newest first; the one chosen (or the newest) shows its log. */
export function DatabaseOperationsTab() {
  const { database, teamId } = useDatabaseOutlet();
  const [page, setPage] = usePageParam();
  const [params, setParams] = useSearchParams();
  const operations = useDatabaseOperations(teamId, database.id, page);
  const selectedId = params.get('operation') ?? operations.data?.items[0]?.id;
  const select = (id: string) =>
    setParams((current) => {
      const updated = new URLSearchParams(current);
      updated.set('operation', id);
      return updated;
    });

  return (
    <div className="applications__stack">
      <section className="panel" aria-label="Operations">
        <PagedTable
          query={operations}
          table={TABLE}
          paging={{ page, onPageChange: setPage, perPage: OPERATIONS_PER_PAGE, label: 'Operation pages' }}
          empty={<div className="empty-state">No operations yet.</div>}
          emptyPage={<EmptyPage onPageChange={setPage} />}
        >
          {(operation) => (
            <tr
              key={operation.id}
              aria-current={operation.id === selectedId ? 'true' : undefined}
              className={operation.id === selectedId ? 'databases__row--selected' : undefined}
              data-testid={`database-operation-${operation.id}`}
            >
              <td>
                <button type="button" className="link-button" onClick={() => select(operation.id)}>
                  {OPERATION_KIND_LABELS[operation.kind]}
                </button>
              </td>
              <td>
                <StatusBadge tone={OPERATION_STATUS_TONES[operation.status]}>{OPERATION_STATUS_LABELS[operation.status]}</StatusBadge>
              </td>
              <td>
                <TimeAgo iso={operation.createdAt} />
              </td>
              <td className="databases__reason-cell">{operation.reason ?? <span className="muted">—</span>}</td>
            </tr>
          )}
        </PagedTable>
      </section>
      {selectedId && (
        <section className="panel panel--padded" aria-label="Operation log">
          <OperationLog key={selectedId} teamId={teamId} databaseId={database.id} operationId={selectedId} />
        </section>
      )}
    </div>
  );
}
