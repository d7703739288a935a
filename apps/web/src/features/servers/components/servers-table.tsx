import { Link } from 'react-router';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { dateTime, timeAgo } from '../../../lib/format';
import { countOpenAlerts, OpenAlertsCell } from '../../../shared/metrics/open-alerts';
import { useOpenTeamAlerts } from '../../../shared/metrics/queries';
import { SERVERS_PER_PAGE, useServers } from '../../../shared/servers/queries';
import { ServerStatus } from './server-status';

interface ServersTableProps {
  teamId: string;
  page: number;
  onPageChange: (page: number) => void;
  /** The empty state's call to action; absent for those who cannot add servers. */
  onAdd?: () => void;
}

const TABLE: TableShape = {
  label: 'Servers',
  testId: 'servers-table',
  columns: ['Name', 'Address', 'User', 'Status', 'Alerts', 'System', 'Last validated'],
};

export function ServersTable({ teamId, page, onPageChange, onAdd }: ServersTableProps) {
  const servers = useServers(teamId, page);
  // Counted only where there are servers to count them for.
  const openAlerts = useOpenTeamAlerts(teamId, (servers.data?.total ?? 0) > 0);
  const alertCounts = openAlerts.data && countOpenAlerts(openAlerts.data);
  const empty = (
    <div className="empty-state servers__empty">
      <p>No servers yet. Zpanel deploys to your own machines over SSH.</p>
      {onAdd && (
        <button type="button" className="button" onClick={onAdd}>
          Add your first server
        </button>
      )}
    </div>
  );
  return (
    <PagedTable query={servers} table={TABLE} paging={{ page, onPageChange, perPage: SERVERS_PER_PAGE, label: 'Server pages' }} empty={empty}>
      {(server) => (
        <tr key={server.id} data-testid={`server-${server.name}`}>
          <td>
            <Link to={`/servers/${server.id}`}>{server.name}</Link>
          </td>
          <td>
            <code>
              {server.host}:{server.port}
            </code>
          </td>
          <td>{server.user}</td>
          <td>
            <ServerStatus server={server} showReason />
          </td>
          <td>
            <OpenAlertsCell serverId={server.id} counts={alertCounts} />
          </td>
          <td>
            {server.os ?? '—'}
            {server.dockerVersion && <span className="servers__muted"> · Docker {server.dockerVersion}</span>}
          </td>
          <td>{server.lastValidatedAt ? <time title={dateTime(server.lastValidatedAt)}>{timeAgo(server.lastValidatedAt)}</time> : 'Never'}</td>
        </tr>
      )}
    </PagedTable>
  );
}
