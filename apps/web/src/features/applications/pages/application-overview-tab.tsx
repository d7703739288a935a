import { isDeploymentFinished } from '@zpanel/contracts';
import { Link } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { DeploymentStatusBadge } from '../../../shared/deployments/components/deployment-status';
import {
  DEPLOYMENT_STEP_LABELS,
  DEPLOYMENT_TRIGGER_LABELS,
  deploymentDuration,
  deploymentHref,
  shortCommit,
} from '../../../shared/deployments/labels';
import { useLiveDeploymentStatus } from '../../../shared/deployments/live-status';
import { useLatestDeployment } from '../../../shared/deployments/queries';
import { useServer } from '../../../shared/servers/queries';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { BUILD_PACK_LABELS, RESTART_POLICY_LABELS, sourceSummary } from '../../../shared/applications/labels';
import { TimeAgo } from '../../../components/time-ago';
import { DomainLinks } from '../components/domain-links';

/** The application at a glance: its latest deployment (live), where it answers, what it runs. */
export function ApplicationOverviewTab() {
  const { application: app, teamId } = useApplicationOutlet();
  const latest = useLatestDeployment(teamId, app.id);
  const live = useLiveDeploymentStatus(teamId, latest.data);
  const server = useServer(teamId, app.serverId);
  const deployment = latest.data;

  return (
    <div className="applications__overview">
      <section className="panel panel--padded" aria-label="Latest deployment" data-testid="latest-deployment">
        <h2 className="applications__heading">Latest deployment</h2>
        {latest.isPending && <Skeleton lines={2} />}
        {latest.isError && <ErrorState error={latest.error} />}
        {deployment === null && <p className="muted">Never deployed. Press Deploy to build and start it.</p>}
        {deployment && (
          <>
            <div className="deployment-summary">
              <DeploymentStatusBadge status={deployment.status} testId="latest-deployment-status" />
              <span className="muted">
                {isDeploymentFinished(deployment.status) && deployment.status === 'success' ? 'Live' : DEPLOYMENT_STEP_LABELS[deployment.step]}
              </span>
              <span>{DEPLOYMENT_TRIGGER_LABELS[deployment.trigger]}</span>
              {shortCommit(deployment.commitSha) && <code title={deployment.commitSha ?? undefined}>{shortCommit(deployment.commitSha)}</code>}
              <span>
                by {deployment.actor.name}, <TimeAgo iso={deployment.createdAt} />
              </span>
              {deploymentDuration(deployment) && <span className="muted">{deploymentDuration(deployment)}</span>}
              <Link to={deploymentHref(deployment)}>View log</Link>
            </div>
            {deployment.reason && <p className={deployment.status === 'failed' ? 'field__error' : 'muted'}>{deployment.reason}</p>}
            {live.status === 'error' && <p className="muted">Live status unavailable: {live.message}</p>}
          </>
        )}
      </section>

      <section className="panel panel--padded" aria-label="Addresses">
        <h2 className="applications__heading">Addresses</h2>
        {app.domains.length === 0 ? (
          <p className="muted">
            No domain yet: <Link to="domains">add one</Link> and point it at the server.
          </p>
        ) : (
          <DomainLinks domains={app.domains} testId="application-urls" />
        )}
      </section>

      <section className="panel panel--padded" aria-label="Configuration">
        <h2 className="applications__heading">Configuration</h2>
        <dl className="applications__facts">
          <dt>Source</dt>
          <dd>
            {BUILD_PACK_LABELS[app.buildPack]}: <code>{sourceSummary(app)}</code>
          </dd>
          <dt>Server</dt>
          <dd>{server.data ? <Link to={`/servers/${server.data.id}`}>{server.data.name}</Link> : '—'}</dd>
          <dt>Port</dt>
          <dd>{app.port}</dd>
          <dt>Health check</dt>
          <dd>{app.healthCheck.type === 'http' ? `HTTP GET ${app.healthCheck.path ?? '/'}` : `TCP on port ${app.port}`}</dd>
          <dt>Restart policy</dt>
          <dd>{RESTART_POLICY_LABELS[app.restartPolicy]}</dd>
        </dl>
      </section>
    </div>
  );
}
