import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, useParams } from 'react-router';
import { PageHeader } from '../../../components/page-header';
import { ApiError } from '../../../lib/api-client';
import { PagePlaceholder } from '../../../components/page-placeholder';
import { whyCannotWrite } from '../../../shared/applications/labels';
import { DATABASE_TABS, type DatabaseOutletContext } from '../../../shared/databases/database-outlet';
import { ENGINE_LABELS } from '../../../shared/databases/labels';
import { databaseKeys } from '../../../shared/databases/queries';
import { useServer } from '../../../shared/servers/queries';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { DatabaseActions } from '../components/database-actions';
import { DatabaseStatus } from '../components/database-status';
import { OPERATION_KIND_LABELS } from '../labels';
import { isActive, useDatabase, useDatabaseOperations } from '../queries';
import '../../../shared/applications/applications.css';
import '../../../shared/databases/databases.css';

/**
 * A database: its status with the reason, the actions on it, and its sections as tabs (nested
 * routes). An operation in progress is announced above the tabs with a way to its log; when it
 * ends the database is asked again, since the operation changed its status.
 */
export function DatabasePage() {
  const { databaseId = '' } = useParams();
  const { current } = useCurrentTeam();
  const teamId = current?.teamId ?? '';
  const database = useDatabase(teamId, current ? databaseId : undefined);
  const server = useServer(teamId, database.data?.serverId);
  const operations = useDatabaseOperations(teamId, databaseId, 1);
  const active = operations.data?.items.find(isActive);
  useRefreshWhenSettled(teamId, databaseId, active?.id);

  if (!current || database.isPending) return <PagePlaceholder title="Database" />;
  if (database.isError && database.data?.status === 'deleting' && database.error instanceof ApiError && database.error.status === 404) {
    return <DeletedDatabase name={database.data.name} />;
  }
  // A failed refetch of a database already shown keeps it on screen: the next one may work.
  if (!database.data) {
    return <PagePlaceholder title="Database" failure={{ error: database.error, backTo: '/projects', backLabel: 'Back to projects' }} />;
  }

  const db = database.data;
  const writeRefusal = whyCannotWrite(current.role);

  return (
    <>
      <nav className="applications__breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/projects">Projects</Link>
      </nav>
      <PageHeader
        title={db.name}
        description={[`${ENGINE_LABELS[db.engine]} · ${db.image}`, server.data ? `on ${server.data.name}` : undefined].filter(Boolean).join(' ')}
        actions={<DatabaseActions teamId={teamId} database={db} activeOperation={active} refusal={writeRefusal} />}
      />
      <div className="databases__headline">
        <DatabaseStatus database={db} showReason />
        {active && (
          <p className="databases__active" role="status" data-testid="database-active-operation">
            {OPERATION_KIND_LABELS[active.kind]} {active.status === 'queued' ? 'queued' : 'in progress'} ·{' '}
            <Link to={`/databases/${db.id}/operations?operation=${active.id}`}>View its log</Link>
          </p>
        )}
      </div>
      {writeRefusal && <p className="applications__notice">{writeRefusal}. You can see this database but not change it.</p>}
      <nav className="app-tabs" aria-label="Database sections">
        {DATABASE_TABS.map((tab) => (
          <NavLink
            key={tab.path}
            to={tab.path}
            end={tab.end}
            className={({ isActive: selected }) => (selected ? 'app-tabs__tab app-tabs__tab--active' : 'app-tabs__tab')}
          >
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet context={{ database: db, teamId, role: current.role, writeRefusal } satisfies DatabaseOutletContext} />
    </>
  );
}

/** Where the page of a database being deleted ends up once the worker removed it. */
function DeletedDatabase({ name }: { name: string }) {
  return (
    <>
      <PageHeader title={name} />
      <section className="panel panel--padded" data-testid="database-deleted">
        <p>{name} was deleted.</p>
        <p>
          <Link to="/projects">Back to projects</Link>
        </p>
      </section>
    </>
  );
}

/** When the operation in progress ends (or another replaces it), the database it changed is asked again. */
function useRefreshWhenSettled(teamId: string, databaseId: string, activeId: string | undefined) {
  const queryClient = useQueryClient();
  const previous = useRef(activeId);
  useEffect(() => {
    if (previous.current !== undefined && previous.current !== activeId) {
      void queryClient.invalidateQueries({ queryKey: databaseKeys.detail(teamId, databaseId) });
      void queryClient.invalidateQueries({ queryKey: databaseKeys.lists(teamId) });
    }
    previous.current = activeId;
  }, [queryClient, teamId, databaseId, activeId]);
}
