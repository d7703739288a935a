import { useQueryClient } from '@tanstack/react-query';
import type { ApplicationDto, PendingRedeployDto } from '@zpanel/contracts';
import { useEffect } from 'react';
import { TimeAgo } from '../../../components/time-ago';
import { applicationKeys } from '../../../shared/applications/queries';
import { DeployButton } from '../../../shared/deployments/components/deploy-button';
import { useLatestDeployment } from '../../../shared/deployments/queries';

interface PendingRedeployBannerProps {
  teamId: string;
  application: ApplicationDto;
  pending: PendingRedeployDto;
  /** Why the caller may not deploy: they see the banner without the button. */
  deployRefusal?: string;
}

/**
 * Once the newest deployment succeeded after the mark, the application is asked again: the API
 * clears the mark only for a deployment that started after it, so whether the banner goes is its
 * answer, not a guess here. Each such deployment is asked about once.
 */
function useRefetchWhenRedeployed(teamId: string, applicationId: string, since: string) {
  const queryClient = useQueryClient();
  const latest = useLatestDeployment(teamId, applicationId).data;
  const redeployedBy =
    latest?.status === 'success' && latest.finishedAt !== null && Date.parse(latest.finishedAt) >= Date.parse(since) ? latest.id : undefined;
  useEffect(() => {
    if (!redeployedBy) return;
    void queryClient.invalidateQueries({ queryKey: applicationKeys.detail(teamId, applicationId) });
    void queryClient.invalidateQueries({ queryKey: applicationKeys.lists(teamId) });
  }, [queryClient, teamId, applicationId, redeployedBy]);
}

/**
 * A change the application gets only with its next deployment (a linked database's rotated
 * password): why and since when, and "Redeploy now" for those who may deploy (the usual deploy
 * dialog, then the new deployment's log).
 */
export function PendingRedeployBanner({ teamId, application, pending, deployRefusal }: PendingRedeployBannerProps) {
  useRefetchWhenRedeployed(teamId, application.id, pending.since);
  return (
    <div className="applications__pending-redeploy" role="status" data-testid="pending-redeploy">
      <p>
        Redeploy needed: {pending.reason} (since <TimeAgo iso={pending.since} />)
      </p>
      {!deployRefusal && <DeployButton teamId={teamId} application={application} label="Redeploy now" className="button button--small" />}
    </div>
  );
}
