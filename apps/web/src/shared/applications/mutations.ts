import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApplicationDto, BulkEnvRequest, CreateApplicationRequest, UpdateApplicationRequest, UpsertEnvVarRequest } from '@zpanel/contracts';
import { projectKeys } from '../projects/queries';
import { sshKeyKeys } from '../servers/queries';
import {
  createApplication,
  deleteApplication,
  deleteEnvVar,
  type EnvOwner,
  forgetGitHostKey,
  generateDeployKey,
  replaceEnvVars,
  updateApplication,
  upsertEnvVar,
} from './api';
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

/** The new key joins the team's keys, and becomes the application's deploy key. */
export function useGenerateDeployKey(teamId: string, id: string) {
  const store = useStoreApplication(teamId);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => generateDeployKey(id),
    onSuccess: (generated) => {
      store(generated.application);
      void queryClient.invalidateQueries({ queryKey: sshKeyKeys.lists(teamId) });
    },
  });
}

export function useForgetGitHostKey(teamId: string, id: string) {
  const store = useStoreApplication(teamId);
  return useMutation({ mutationFn: () => forgetGitHostKey(id), onSuccess: store });
}

/** The token is write-only: the request carrying it is dropped from the mutation cache at once. */
export function useSetGitToken(teamId: string, id: string) {
  const store = useStoreApplication(teamId);
  return useMutation({ mutationFn: (gitToken: string | null) => updateApplication(id, { gitToken }), gcTime: 0, onSuccess: store });
}

export function useDeleteApplication(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, deleteVolumes }: { id: string; deleteVolumes?: boolean }) => deleteApplication(id, { deleteVolumes }),
    onSuccess: (_, { id }) => queryClient.removeQueries({ queryKey: applicationKeys.detail(teamId, id) }),
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
