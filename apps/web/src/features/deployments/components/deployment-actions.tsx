import type { DeploymentDto } from '@zpanel/contracts';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { canCancel, canRollBackTo, deploymentHref, shortCommit } from '../../../shared/deployments/labels';
import { useCancelDeployment, useRollbackDeployment } from '../../../shared/deployments/mutations';
import { Button } from '../../../components/button';

interface DeploymentActionsProps {
  teamId: string;
  deployment: DeploymentDto;
  /** Why the caller may not deploy (cancel and roll back need the same ability); undefined: allowed. */
  refusal?: string;
}

/**
 * Cancel (queued or running) and Roll back (a success whose image is kept), each asked first.
 * A rollback is a new deployment: the page moves to its log.
 */
export function DeploymentActions({ teamId, deployment, refusal }: DeploymentActionsProps) {
  const [dialog, setDialog] = useState<'cancel' | 'rollback'>();
  const cancel = useCancelDeployment(teamId);
  const rollback = useRollbackDeployment(teamId);
  const navigate = useNavigate();
  const commit = shortCommit(deployment.commitSha);
  const open = (which: 'cancel' | 'rollback') => {
    cancel.reset();
    rollback.reset();
    setDialog(which);
  };

  return (
    <div className="deployments__actions">
      {canCancel(deployment) && (
        <Button tone="secondary" small refusal={refusal} onClick={() => open('cancel')}>
          Cancel
        </Button>
      )}
      {!canCancel(deployment) && deployment.cancelRequested && deployment.status === 'running' && <span className="muted">Cancelling…</span>}
      {canRollBackTo(deployment) && (
        <Button tone="secondary" small refusal={refusal} onClick={() => open('rollback')}>
          Roll back
        </Button>
      )}
      {dialog === 'cancel' && (
        <ConfirmDialog
          title="Cancel this deployment?"
          description={
            deployment.status === 'queued'
              ? 'It will not run. The version live now keeps serving.'
              : 'The build or start is stopped and the new container removed; the version live now keeps serving.'
          }
          confirmLabel="Cancel deployment"
          pendingLabel="Cancelling…"
          submission={cancel}
          onConfirm={() => cancel.mutate(deployment.id, { onSuccess: () => setDialog(undefined) })}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog === 'rollback' && (
        <ConfirmDialog
          title="Roll back to this deployment?"
          description={`Its kept image${commit ? ` (commit ${commit})` : ''} is started again, health-checked and made live, without a build. The version live now is retired once the new one is healthy.`}
          confirmLabel="Roll back"
          pendingLabel="Rolling back…"
          submission={rollback}
          onConfirm={() =>
            rollback.mutate(deployment.id, {
              onSuccess: (created) => {
                setDialog(undefined);
                void navigate(deploymentHref(created));
              },
            })
          }
          onClose={() => setDialog(undefined)}
        />
      )}
    </div>
  );
}
