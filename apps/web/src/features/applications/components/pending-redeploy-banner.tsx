import type { ApplicationDto, PendingRedeployDto } from '@zpanel/contracts';
import { TimeAgo } from '../../../components/time-ago';
import { DeployButton } from '../../../shared/deployments/components/deploy-button';

interface PendingRedeployBannerProps {
  teamId: string;
  application: ApplicationDto;
  pending: PendingRedeployDto;
  /** Why the caller may not deploy: they see the banner without the button. */
  deployRefusal?: string;
}

/**
 * A change the application gets only with its next deployment (a linked database's rotated
 * password): why and since when, and "Redeploy now" for those who may deploy (the usual deploy
 * dialog, then the new deployment's log). It goes when the application, asked again once a
 * deployment followed live finished (shared/deployments/live-status), no longer has the mark: the
 * API clears it only for a success that started after it.
 */
export function PendingRedeployBanner({ teamId, application, pending, deployRefusal }: PendingRedeployBannerProps) {
  return (
    <div className="applications__pending-redeploy" role="status" data-testid="pending-redeploy">
      <p>
        Redeploy needed: {pending.reason} (since <TimeAgo iso={pending.since} />)
      </p>
      {!deployRefusal && <DeployButton teamId={teamId} application={application} label="Redeploy now" className="button button--small" />}
    </div>
  );
}
