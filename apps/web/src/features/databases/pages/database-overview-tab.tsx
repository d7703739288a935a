import { Link } from 'react-router';
import { useDatabaseOutlet } from '../../../shared/databases/database-outlet';
import { ConnectionInfo } from '../components/connection-info';
import { OperationLog } from '../components/operation-log';
import { isActive, useDatabaseOperations } from '../queries';

/** How to connect, and the operation in progress (or the newest one) with its log. */
export function DatabaseOverviewTab() {
  const { database, teamId, role } = useDatabaseOutlet();
  const operations = useDatabaseOperations(teamId, database.id, 1);
  const latest = operations.data?.items.find(isActive) ?? operations.data?.items[0];

  return (
    <div className="applications__stack">
      <ConnectionInfo teamId={teamId} database={database} role={role} />
      {latest && (
        <section className="panel panel--padded" aria-label="Latest operation">
          <header className="databases__section-header databases__section-header--flush">
            <h2 className="applications__heading">{isActive(latest) ? 'In progress' : 'Latest operation'}</h2>
            <Link to="operations">All operations</Link>
          </header>
          <OperationLog key={latest.id} teamId={teamId} databaseId={database.id} operationId={latest.id} />
        </section>
      )}
    </div>
  );
}
