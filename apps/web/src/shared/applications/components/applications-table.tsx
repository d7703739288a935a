import type { ApplicationDto } from '@zpanel/contracts';
import { Link } from 'react-router';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { StatusBadge } from '../../../components/status-badge';
import { timeAgo } from '../../../lib/format';
import { DeploymentStatusBadge } from '../../deployments/components/deployment-status';
import { deploymentHref } from '../../deployments/labels';
import { useLatestDeployment } from '../../deployments/queries';
import { domainUrl } from '../labels';
import { APPLICATIONS_PER_PAGE, useApplications, useServerChoices } from '../queries';

interface ApplicationsTableProps {
  teamId: string;
  environmentId: string;
  page: number;
  onPageChange: (page: number) => void;
  /** Shown when the environment has no application. */
  empty: React.ReactNode;
}

/** The status of an application's newest deployment, linking to its log. */
function LatestDeploymentCell({ teamId, application }: { teamId: string; application: ApplicationDto }) {
  const latest = useLatestDeployment(teamId, application.id);
  if (latest.isPending) return <span className="muted">…</span>;
  if (latest.isError) return <span className="muted">unknown</span>;
  if (!latest.data) return <span className="muted">Never deployed</span>;
  return (
    <Link to={deploymentHref(latest.data)} className="applications__status-link">
      <DeploymentStatusBadge status={latest.data.status} testId="application-deployment-status" />
      <span className="muted">{timeAgo(latest.data.createdAt)}</span>
    </Link>
  );
}

const TABLE: TableShape = {
  label: 'Applications',
  testId: 'applications-table',
  columns: ['Name', 'Latest deployment', 'Server', 'Domains'],
};

/** The applications of one environment: status of the latest deployment, server, domains. */
export function ApplicationsTable({ teamId, environmentId, page, onPageChange, empty }: ApplicationsTableProps) {
  const servers = useServerChoices(teamId);
  const serverName = (id: string) => servers.data?.items.find((server) => server.id === id)?.name;
  return (
    <PagedTable
      query={useApplications(teamId, environmentId, page)}
      table={TABLE}
      paging={{ page, onPageChange, perPage: APPLICATIONS_PER_PAGE, label: 'Application pages' }}
      empty={<div className="empty-state">{empty}</div>}
    >
      {(application) => (
        <tr key={application.id} data-testid={`application-${application.name}`}>
          <td>
            <Link to={`/applications/${application.id}`}>{application.name}</Link>
            {application.pendingRedeploy && (
              <span
                className="applications__redeploy-badge"
                title={`${application.pendingRedeploy.reason} (since ${timeAgo(application.pendingRedeploy.since)})`}
                data-testid="application-pending-redeploy"
              >
                <StatusBadge tone="warn">Redeploy needed</StatusBadge>
              </span>
            )}
            {application.description && <p className="muted applications__description">{application.description}</p>}
          </td>
          <td>
            <LatestDeploymentCell teamId={teamId} application={application} />
          </td>
          <td>{serverName(application.serverId) ? <Link to={`/servers/${application.serverId}`}>{serverName(application.serverId)}</Link> : '—'}</td>
          <td>
            {application.domains.length === 0 ? (
              <span className="muted">—</span>
            ) : (
              <ul className="applications__domain-list">
                {application.domains.map((domain) => (
                  <li key={domain}>
                    <a href={domainUrl(domain)} target="_blank" rel="noopener noreferrer">
                      {domain}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </td>
        </tr>
      )}
    </PagedTable>
  );
}
