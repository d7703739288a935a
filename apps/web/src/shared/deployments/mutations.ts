import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DeploymentDto } from '@zpanel/contracts';
import { cancelDeployment, createDeployment, rollbackDeployment } from './api';
import { deploymentKeys } from './queries';

/** Puts the answer in the detail cache and refreshes the application's lists. */
function useStoreDeployment(teamId: string) {
  const queryClient = useQueryClient();
  return (deployment: DeploymentDto) => {
    queryClient.setQueryData(deploymentKeys.detail(teamId, deployment.id), deployment);
    void queryClient.invalidateQueries({ queryKey: deploymentKeys.application(teamId, deployment.applicationId) });
  };
}

export function useDeploy(teamId: string) {
  const store = useStoreDeployment(teamId);
  return useMutation({ mutationFn: (applicationId: string) => createDeployment(applicationId), onSuccess: store });
}

export function useCancelDeployment(teamId: string) {
  const store = useStoreDeployment(teamId);
  return useMutation({ mutationFn: (id: string) => cancelDeployment(id), onSuccess: store });
}

export function useRollbackDeployment(teamId: string) {
  const store = useStoreDeployment(teamId);
  return useMutation({ mutationFn: (id: string) => rollbackDeployment(id), onSuccess: store });
}
