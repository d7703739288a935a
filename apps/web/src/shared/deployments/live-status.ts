import { useQueryClient } from '@tanstack/react-query';
import { type DeploymentDto, type Paginated, isDeploymentFinished } from '@zpanel/contracts';
import { useLiveSubscription } from '../../lib/use-live-subscription';
import { applicationKeys } from '../applications/queries';
import { deploymentKeys } from './queries';
import type { DeploymentStatusEvent } from './use-deployment-log';

/**
 * Folds a live status event into every cached copy of the deployment (its detail and the lists of
 * its application), so badges change the moment the worker moves on. A finished deployment is
 * fetched again: its end time and whether its image is kept come only with the row. So is its
 * application, alone and in the lists: a success that started after its pending redeploy mark
 * clears it, which only the API knows.
 */
export function useApplyDeploymentStatus(teamId: string) {
  const queryClient = useQueryClient();
  return (deployment: Pick<DeploymentDto, 'id' | 'applicationId'>, { status, step, reason, reasonCode }: DeploymentStatusEvent) => {
    const patch = (d: DeploymentDto): DeploymentDto => (d.id === deployment.id ? { ...d, status, step, reason, reasonCode } : d);
    queryClient.setQueryData<DeploymentDto>(deploymentKeys.detail(teamId, deployment.id), (old) => old && patch(old));
    queryClient.setQueriesData<Paginated<DeploymentDto>>({ queryKey: deploymentKeys.application(teamId, deployment.applicationId) }, (old) =>
      old ? { ...old, items: old.items.map(patch) } : old,
    );
    if (isDeploymentFinished(status)) {
      void queryClient.invalidateQueries({ queryKey: deploymentKeys.detail(teamId, deployment.id) });
      void queryClient.invalidateQueries({ queryKey: deploymentKeys.application(teamId, deployment.applicationId) });
      void queryClient.invalidateQueries({ queryKey: applicationKeys.detail(teamId, deployment.applicationId) });
      void queryClient.invalidateQueries({ queryKey: applicationKeys.lists(teamId) });
    }
  };
}

/**
 * Follows only the status of an unfinished deployment (the overview's badge): the subscription
 * asks for lines after the largest possible `seq`, which is none, and still gets the current status
 * and every change. Stops once the deployment finished.
 */
export function useLiveDeploymentStatus(teamId: string, deployment: DeploymentDto | null | undefined) {
  const apply = useApplyDeploymentStatus(teamId);
  const follow = deployment && !isDeploymentFinished(deployment.status) ? deployment : undefined;
  return useLiveSubscription<'deployment-logs'>(
    follow ? `status:${follow.id}` : null,
    () => ({ kind: 'deployment-logs', deploymentId: follow?.id ?? '', afterSeq: Number.MAX_SAFE_INTEGER }),
    (event) => {
      if (event.type === 'status' && follow) apply(follow, event);
    },
  );
}
