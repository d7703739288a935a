import { Link } from 'react-router';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { ActorName } from '../../../components/actor-name';
import { TimeAgo } from '../../../components/time-ago';
import { dateTime } from '../../../lib/format';
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

const TABLE: TableShape = {
  label: 'Deployments',
  testId: 'deployments-table',
  columns: ['Status', 'Trigger', 'Commit', 'By', 'When', 'Duration', { title: 'Actions', hidden: true }],
};

/** An application's deployments, newest first, each opening its log. */
export function DeploymentsTable({ teamId, applicationId, page, onPageChange, refusal, empty }: DeploymentsTableProps) {
  return (
    <PagedTable
      query={useDeployments(teamId, applicationId, page)}
      table={TABLE}
      paging={{ page, onPageChange, perPage: DEPLOYMENTS_PER_PAGE, label: 'Deployment pages' }}
      lines={4}
      empty={<div className="empty-state">{empty}</div>}
    >
      {(deployment) => {
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
              <ActorName actor={deployment.actor} />
            </td>
            <td>
              <TimeAgo iso={deployment.createdAt} />
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
      }}
    </PagedTable>
  );
}
