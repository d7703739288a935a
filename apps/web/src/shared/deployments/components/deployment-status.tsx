import type { DeploymentStatus } from '@zpanel/contracts';
import { StatusBadge } from '../../../components/status-badge';
import { DEPLOYMENT_STATUS_LABELS, DEPLOYMENT_STATUS_TONES } from '../labels';

export function DeploymentStatusBadge({ status, testId }: { status: DeploymentStatus; testId?: string }) {
  return (
    <span data-testid={testId} data-status={status}>
      <StatusBadge tone={DEPLOYMENT_STATUS_TONES[status]}>{DEPLOYMENT_STATUS_LABELS[status]}</StatusBadge>
    </span>
  );
}
