import { useQuery } from '@tanstack/react-query';
import { fetchMounts, fetchOrphanedVolumes, fetchVolumeUsage, fetchVolumes } from './api';

export const volumeKeys = {
  all: ['volumes'] as const,
  application: (teamId: string, applicationId: string) => [...volumeKeys.all, teamId, applicationId] as const,
  volumes: (teamId: string, applicationId: string) => [...volumeKeys.application(teamId, applicationId), 'volumes'] as const,
  usage: (teamId: string, applicationId: string) => [...volumeKeys.application(teamId, applicationId), 'usage'] as const,
  mounts: (teamId: string, applicationId: string) => [...volumeKeys.application(teamId, applicationId), 'mounts'] as const,
  orphaned: (teamId: string, serverId: string) => [...volumeKeys.all, teamId, 'server', serverId, 'orphaned'] as const,
};

export function useVolumes(teamId: string, applicationId: string) {
  return useQuery({ queryKey: volumeKeys.volumes(teamId, applicationId), queryFn: ({ signal }) => fetchVolumes(applicationId, signal) });
}

/** Sizes come from the server: not retried (a server away answers 503 after a while), never blocking the list. */
export function useVolumeUsage(teamId: string, applicationId: string, enabled: boolean) {
  return useQuery({
    queryKey: volumeKeys.usage(teamId, applicationId),
    queryFn: ({ signal }) => fetchVolumeUsage(applicationId, signal),
    enabled,
    retry: false,
  });
}

export function useMounts(teamId: string, applicationId: string) {
  return useQuery({ queryKey: volumeKeys.mounts(teamId, applicationId), queryFn: ({ signal }) => fetchMounts(applicationId, signal) });
}

export function useOrphanedVolumes(teamId: string, serverId: string) {
  return useQuery({ queryKey: volumeKeys.orphaned(teamId, serverId), queryFn: ({ signal }) => fetchOrphanedVolumes(serverId, signal), retry: false });
}
