import type { Role } from '@zpanel/contracts';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '../../../components/button';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { EmptyPage } from '../../../components/pagination';
import { whyCannotWrite } from '../../../shared/applications/labels';
import { useServerChoices } from '../../../shared/applications/queries';
import { ENGINE_LABELS } from '../../../shared/databases/labels';
import { DATABASES_PER_PAGE, useDatabases } from '../../../shared/databases/queries';
import { CreateDatabaseDialog } from './create-database-dialog';
import { DatabaseStatus } from './database-status';
import '../../../shared/databases/databases.css';

export interface EnvironmentDatabasesProps {
  teamId: string;
  environment: { id: string; name: string };
  role: Role;
}

const TABLE: TableShape = {
  label: 'Databases',
  testId: 'databases-table',
  columns: ['Name', 'Engine', 'Status', 'Server', 'Public port'],
};

/** The databases of one environment beside its applications, and the way to create one. */
export function EnvironmentDatabases({ teamId, environment, role }: EnvironmentDatabasesProps) {
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const databases = useDatabases(teamId, environment.id, page);
  const servers = useServerChoices(teamId);
  const serverName = (id: string) => servers.data?.items.find((server) => server.id === id)?.name;
  const refusal = whyCannotWrite(role);

  return (
    <section className="panel databases__section" aria-label="Databases">
      <header className="databases__section-header">
        <h2 className="applications__heading">Databases in {environment.name}</h2>
        <Button plus refusal={refusal} onClick={() => setCreating(true)}>
          New database
        </Button>
      </header>
      <PagedTable
        query={databases}
        table={TABLE}
        paging={{ page, onPageChange: setPage, perPage: DATABASES_PER_PAGE, label: 'Database pages' }}
        empty={
          <div className="empty-state databases__empty" data-testid="databases-empty">
            <p>
              No databases in {environment.name} yet. PostgreSQL, MySQL, MariaDB or Redis run on one of your servers, and applications of this
              environment reach them by reference.
            </p>
            <Button plus refusal={refusal} onClick={() => setCreating(true)}>
              New database
            </Button>
          </div>
        }
        emptyPage={<EmptyPage onPageChange={setPage} />}
      >
        {(database) => (
          <tr key={database.id} data-testid={`database-${database.name}`}>
            <td>
              <Link to={`/databases/${database.id}`}>{database.name}</Link>
            </td>
            <td>
              {ENGINE_LABELS[database.engine]} <span className="muted">{database.image}</span>
            </td>
            <td>
              <DatabaseStatus database={database} />
            </td>
            <td>{serverName(database.serverId) ? <Link to={`/servers/${database.serverId}`}>{serverName(database.serverId)}</Link> : '—'}</td>
            <td>{database.publicPort ?? <span className="muted">—</span>}</td>
          </tr>
        )}
      </PagedTable>
      {creating && (
        <CreateDatabaseDialog
          teamId={teamId}
          environment={environment}
          onClose={() => setCreating(false)}
          onCreated={(database) => void navigate(`/databases/${database.id}`)}
        />
      )}
    </section>
  );
}
