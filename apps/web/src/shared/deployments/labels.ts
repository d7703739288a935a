import { type DeploymentDto, type DeploymentStatus, type DeploymentStep, type DeploymentTrigger, isDeploymentFinished } from '@zpanel/contracts';
import type { Tone } from '../../components/status-badge';

export const DEPLOYMENT_STATUS_LABELS: Record<DeploymentStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  success: 'Success',
  failed: 'Failed',
  cancelled: 'Cancelled',
  superseded: 'Superseded',
};

export const DEPLOYMENT_STATUS_TONES: Record<DeploymentStatus, Tone> = {
  queued: 'neutral',
  running: 'warn',
  success: 'ok',
  failed: 'down',
  cancelled: 'neutral',
  superseded: 'neutral',
};

export const DEPLOYMENT_TRIGGER_LABELS: Record<DeploymentTrigger, string> = {
  manual: 'Manual',
  api: 'API',
  webhook: 'Webhook',
  rollback: 'Rollback',
  redeploy: 'Redeploy',
};

export const DEPLOYMENT_STEP_LABELS: Record<DeploymentStep, string> = {
  queued: 'Waiting for a worker',
  source: 'Fetching the source',
  build: 'Building the image',
  start: 'Starting the new container',
  health: 'Health check',
  promote: 'Switching traffic',
  retire: 'Retiring the old container',
  prune: 'Pruning old images',
  done: 'Done',
};

/** "1 min 12 s": how long it ran (until now for a running one); null before it started. */
export function deploymentDuration(deployment: Pick<DeploymentDto, 'startedAt' | 'finishedAt'>, now = Date.now()): string | null {
  if (!deployment.startedAt) return null;
  const end = deployment.finishedAt ? new Date(deployment.finishedAt).getTime() : now;
  const seconds = Math.max(0, Math.round((end - new Date(deployment.startedAt).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
}

export const shortCommit = (sha: string | null) => (sha ? sha.slice(0, 7) : null);

/** A successful deployment whose image the server still keeps can be made live again without a build. */
export function canRollBackTo(deployment: DeploymentDto): boolean {
  return deployment.status === 'success' && deployment.imageKept;
}

export function canCancel(deployment: DeploymentDto): boolean {
  return !isDeploymentFinished(deployment.status) && !deployment.cancelRequested;
}

/** Where the SPA shows a deployment: its log, under its application's page. */
export const deploymentHref = (deployment: Pick<DeploymentDto, 'id' | 'applicationId'>) =>
  `/applications/${deployment.applicationId}/deployments/${deployment.id}`;
