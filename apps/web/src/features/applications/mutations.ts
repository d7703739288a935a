import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApplicationDto, BulkEnvRequest, CreateApplicationRequest, UpdateApplicationRequest, UpsertEnvVarRequest } from '@zpanel/contracts';
import { projectKeys } from '../projects/queries';
import { createApplication, deleteApplication, deleteEnvVar, type EnvOwner, replaceEnvVars, updateApplication, upsertEnvVar } from './api';
import { applicationKeys, envVarKeys } from './queries';

/** Puts the answer in the detail cache and refreshes lists and the project's counts. */
function useStoreApplication(teamId: string) {
  const queryClient = useQueryClient();
  return (application: ApplicationDto) => {
    queryClient.setQueryData(applicationKeys.detail(teamId, application.id), application);
    void queryClient.invalidateQueries({ queryKey: applicationKeys.lists(teamId) });
    void queryClient.invalidateQueries({ queryKey: projectKeys.team(teamId) });
  };
}

export function useCreateApplication(teamId: string) {
  const store = useStoreApplication(teamId);
  return useMutation({ mutationFn: (body: CreateApplicationRequest) => createApplication(body), onSuccess: store });
}

export function useUpdateApplication(teamId: string, id: string) {
  const store = useStoreApplication(teamId);
  return useMutation({ mutationFn: (body: UpdateApplicationRequest) => updateApplication(id, body), onSuccess: store });
}

export function useDeleteApplication(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteApplication(id),
    onSuccess: (_, id) => queryClient.removeQueries({ queryKey: applicationKeys.detail(teamId, id) }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: applicationKeys.lists(teamId) });
      void queryClient.invalidateQueries({ queryKey: projectKeys.team(teamId) });
    },
  });
}

/**
 * A change to an environment's shared variables changes what its applications get, so every
 * cached list of the team is refreshed, not only the owner's.
 */
function useRefreshEnvVars(teamId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: envVarKeys.team(teamId) });
}

export function useUpsertEnvVar(teamId: string, owner: EnvOwner) {
  const refresh = useRefreshEnvVars(teamId);
  return useMutation({
    mutationFn: ({ key, ...body }: UpsertEnvVarRequest & { key: string }) => upsertEnvVar(owner, key, body),
    // The variables hold a secret value: gone from the mutation cache at once.
    gcTime: 0,
    onSuccess: refresh,
  });
}

export function useDeleteEnvVar(teamId: string, owner: EnvOwner) {
  const refresh = useRefreshEnvVars(teamId);
  return useMutation({ mutationFn: (key: string) => deleteEnvVar(owner, key), onSettled: refresh });
}

export function useReplaceEnvVars(teamId: string, owner: EnvOwner) {
  const refresh = useRefreshEnvVars(teamId);
  return useMutation({ mutationFn: (body: BulkEnvRequest) => replaceEnvVars(owner, body), gcTime: 0, onSuccess: refresh });
}
