import { Link, useParams } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { DeploymentActions } from '../components/deployment-actions';
import { DeploymentLogViewer } from '../components/deployment-log-viewer';
import { DEPLOYMENT_TRIGGER_LABELS, deploymentDuration, deploymentHref, shortCommit } from '../../../shared/deployments/labels';
import { useDeployment } from '../../../shared/deployments/queries';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { TimeAgo } from '../../../components/time-ago';

/** One deployment: what and who, Cancel / Roll back, and its log streaming live. */
export function ApplicationDeploymentTab() {
  const { deploymentId = '' } = useParams();
  const { application, teamId, deployRefusal } = useApplicationOutlet();
  const deployment = useDeployment(teamId, deploymentId);

  if (deployment.isPending) {
    return (
      <section className="panel">
        <Skeleton lines={4} />
      </section>
    );
  }
  // A deployment of another application is not shown under this one.
  if (deployment.isError || deployment.data.applicationId !== application.id) {
    return (
      <section className="panel panel--padded">
        {deployment.isError ? <ErrorState error={deployment.error} /> : <p>This deployment belongs to another application.</p>}
        <p>
          <Link to="..">Back to the deployments</Link>
        </p>
      </section>
    );
  }

  const d = deployment.data;
  const commit = shortCommit(d.commitSha);
  return (
    <>
      <section className="panel panel--padded" aria-label="Deployment" data-testid="deployment-summary">
        <div className="deployment-summary">
          <Link to={`/applications/${application.id}/deployments`}>← All deployments</Link>
          <span>{DEPLOYMENT_TRIGGER_LABELS[d.trigger]}</span>
          {commit && <code title={d.commitSha ?? undefined}>{commit}</code>}
          {d.gitTag && (
            <span>
              tag <code>{d.gitTag}</code>
            </span>
          )}
          {d.sourceDeploymentId && (
            <span>
              runs the image of deployment{' '}
              <Link to={deploymentHref({ id: d.sourceDeploymentId, applicationId: d.applicationId })}>
                <code>{d.sourceDeploymentId.slice(0, 8)}</code>
              </Link>
            </span>
          )}
          <span>
            by {d.actor.name}
            {d.actor.type === 'token' && ' (API token)'}, <TimeAgo iso={d.createdAt} />
          </span>
          {deploymentDuration(d) && <span className="muted">took {deploymentDuration(d)}</span>}
          {d.imageTag && (
            <span className="muted">
              image <code>{d.imageTag}</code>
              {d.status === 'success' && !d.imageKept && ' (pruned)'}
            </span>
          )}
          <DeploymentActions teamId={teamId} deployment={d} refusal={deployRefusal} />
        </div>
      </section>
      <DeploymentLogViewer key={d.id} teamId={teamId} deployment={d} />
    </>
  );
}
