import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateMountRequest, CreateVolumeRequest } from '@zpanel/contracts';
import { serverKeys } from '../../shared/servers/queries';
import { createMount, createVolume, removeMount, removeOrphanedVolume, removeVolume, setAllowedBindRoots } from './api';
import { volumeKeys } from './queries';

function useVolumesMutation<V>(teamId: string, applicationId: string, mutationFn: (variables: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: volumeKeys.application(teamId, applicationId) }),
  });
}

export const useCreateVolume = (teamId: string, applicationId: string) =>
  useVolumesMutation(teamId, applicationId, (body: CreateVolumeRequest) => createVolume(applicationId, body));

export const useRemoveVolume = (teamId: string, applicationId: string) =>
  useVolumesMutation(teamId, applicationId, (volumeId: string) => removeVolume(applicationId, volumeId));

export const useCreateMount = (teamId: string, applicationId: string) =>
  useVolumesMutation(teamId, applicationId, (body: CreateMountRequest) => createMount(applicationId, body));

export const useRemoveMount = (teamId: string, applicationId: string) =>
  useVolumesMutation(teamId, applicationId, (mountId: string) => removeMount(applicationId, mountId));

export function useRemoveOrphanedVolume(teamId: string, serverId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (dockerName: string) => removeOrphanedVolume(serverId, dockerName),
    onSettled: () => queryClient.invalidateQueries({ queryKey: volumeKeys.orphaned(teamId, serverId) }),
  });
}

export function useSetAllowedBindRoots(teamId: string, serverId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (roots: string[]) => setAllowedBindRoots(serverId, roots),
    onSuccess: (server) => queryClient.setQueryData(serverKeys.detail(teamId, serverId), server),
  });
}
