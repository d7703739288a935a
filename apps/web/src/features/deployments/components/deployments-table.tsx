import { Link } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { Pagination } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { dateTime, timeAgo } from '../../../lib/format';
import { DEPLOYMENT_TRIGGER_LABELS, deploymentDuration, deploymentHref, shortCommit } from '../../../shared/deployments/labels';
import { DEPLOYMENTS_PER_PAGE, useDeployments } from '../../../shared/deployments/queries';
import { DeploymentActions } from './deployment-actions';
import { DeploymentStatusBadge } from '../../../shared/deployments/components/deployment-status';
import '../deployments.css';

interface DeploymentsTableProps {
  teamId: string;
  applicationId: string;
  page: number;
  onPageChange: (page: number) => void;
  /** Why the caller may not deploy, cancel or roll back; undefined: allowed. */
  refusal?: string;
  /** Shown when the application was never deployed. */
  empty: React.ReactNode;
}

/** An application's deployments, newest first, each opening its log. */
export function DeploymentsTable({ teamId, applicationId, page, onPageChange, refusal, empty }: DeploymentsTableProps) {
  const deployments = useDeployments(teamId, applicationId, page);
  if (deployments.isPending) return <Skeleton lines={4} />;
  if (deployments.isError) return <ErrorState error={deployments.error} />;
  const { items, total, perPage } = deployments.data;
  if (total === 0) return <div className="empty-state">{empty}</div>;
  return (
    <>
      <div className="table-scroll">
        <table className="table" aria-label="Deployments" data-testid="deployments-table">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Trigger</th>
              <th scope="col">Commit</th>
              <th scope="col">By</th>
              <th scope="col">When</th>
              <th scope="col">Duration</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {items.map((deployment) => {
              const commit = shortCommit(deployment.commitSha);
              return (
                <tr key={deployment.id} data-testid={`deployment-${deployment.id}`}>
                  <td>
                    <Link to={deploymentHref(deployment)} aria-label={`Log of the deployment of ${dateTime(deployment.createdAt)}`}>
                      <DeploymentStatusBadge status={deployment.status} />
                    </Link>
                    {deployment.reason && deployment.status === 'failed' && <p className="muted deployments__reason">{deployment.reason}</p>}
                  </td>
                  <td>{DEPLOYMENT_TRIGGER_LABELS[deployment.trigger]}</td>
                  <td>
                    {commit ? (
                      <code className="deployments__commit" title={deployment.commitSha ?? undefined}>
                        {commit}
                      </code>
                    ) : (
                      <span className="muted">—</span>
                    )}
                    {deployment.gitTag && <span className="muted"> (tag {deployment.gitTag})</span>}
                  </td>
                  <td>
                    {deployment.actor.name}
                    {deployment.actor.type === 'token' && <span className="muted"> (API token)</span>}
                  </td>
                  <td>
                    <time dateTime={deployment.createdAt} title={dateTime(deployment.createdAt)}>
                      {timeAgo(deployment.createdAt)}
                    </time>
                  </td>
                  <td>{deploymentDuration(deployment) ?? <span className="muted">—</span>}</td>
                  <td>
                    <div className="deployments__actions">
                      <Link className="button button--secondary button--small" to={deploymentHref(deployment)}>
                        Log
                      </Link>
                      <DeploymentActions teamId={teamId} deployment={deployment} refusal={refusal} />
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Pagination page={page} perPage={perPage || DEPLOYMENTS_PER_PAGE} total={total} onPageChange={onPageChange} label="Deployment pages" />
    </>
  );
}
