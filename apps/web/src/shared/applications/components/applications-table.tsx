import type { ApplicationDto } from '@zpanel/contracts';
import { Link } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { Pagination } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
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

/** The applications of one environment: status of the latest deployment, server, domains. */
export function ApplicationsTable({ teamId, environmentId, page, onPageChange, empty }: ApplicationsTableProps) {
  const applications = useApplications(teamId, environmentId, page);
  const servers = useServerChoices(teamId);
  if (applications.isPending) return <Skeleton lines={3} />;
  if (applications.isError) return <ErrorState error={applications.error} />;
  const { items, total, perPage } = applications.data;
  if (total === 0) return <div className="empty-state">{empty}</div>;
  const serverName = (id: string) => servers.data?.items.find((server) => server.id === id)?.name;
  return (
    <>
      <div className="table-scroll">
        <table className="table" aria-label="Applications" data-testid="applications-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Latest deployment</th>
              <th scope="col">Server</th>
              <th scope="col">Domains</th>
            </tr>
          </thead>
          <tbody>
            {items.map((application) => (
              <tr key={application.id} data-testid={`application-${application.name}`}>
                <td>
                  <Link to={`/applications/${application.id}`}>{application.name}</Link>
                  {application.description && <p className="muted applications__description">{application.description}</p>}
                </td>
                <td>
                  <LatestDeploymentCell teamId={teamId} application={application} />
                </td>
                <td>
                  {serverName(application.serverId) ? <Link to={`/servers/${application.serverId}`}>{serverName(application.serverId)}</Link> : '—'}
                </td>
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
            ))}
          </tbody>
        </table>
      </div>
      <Pagination page={page} perPage={perPage || APPLICATIONS_PER_PAGE} total={total} onPageChange={onPageChange} label="Application pages" />
    </>
  );
}
