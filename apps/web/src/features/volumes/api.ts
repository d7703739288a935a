import type { CreateMountRequest, CreateVolumeRequest, MountDto, OrphanedVolumeDto, ServerDto, VolumeDto, VolumeUsageDto } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

const applicationPath = (applicationId: string) => `/api/v1/applications/${encodeURIComponent(applicationId)}`;

export function fetchVolumes(applicationId: string, signal?: AbortSignal): Promise<VolumeDto[]> {
  return apiRequest<VolumeDto[]>(`${applicationPath(applicationId)}/volumes`, { signal });
}

/** Asked of the server through the worker: slower than the rest, and may fail while the server is away. */
export function fetchVolumeUsage(applicationId: string, signal?: AbortSignal): Promise<VolumeUsageDto[]> {
  return apiRequest<VolumeUsageDto[]>(`${applicationPath(applicationId)}/volumes/usage`, { signal });
}

export function createVolume(applicationId: string, body: CreateVolumeRequest): Promise<VolumeDto> {
  return apiRequest<VolumeDto>(`${applicationPath(applicationId)}/volumes`, { method: 'POST', body });
}

export function removeVolume(applicationId: string, volumeId: string): Promise<void> {
  return apiRequest<void>(`${applicationPath(applicationId)}/volumes/${encodeURIComponent(volumeId)}`, { method: 'DELETE' });
}

export function fetchMounts(applicationId: string, signal?: AbortSignal): Promise<MountDto[]> {
  return apiRequest<MountDto[]>(`${applicationPath(applicationId)}/mounts`, { signal });
}

export function createMount(applicationId: string, body: CreateMountRequest): Promise<MountDto> {
  return apiRequest<MountDto>(`${applicationPath(applicationId)}/mounts`, { method: 'POST', body });
}

export function removeMount(applicationId: string, mountId: string): Promise<void> {
  return apiRequest<void>(`${applicationPath(applicationId)}/mounts/${encodeURIComponent(mountId)}`, { method: 'DELETE' });
}

const serverPath = (serverId: string) => `/api/v1/servers/${encodeURIComponent(serverId)}`;

/** Asked of the server through the worker, like the sizes. */
export function fetchOrphanedVolumes(serverId: string, signal?: AbortSignal): Promise<OrphanedVolumeDto[]> {
  return apiRequest<OrphanedVolumeDto[]>(`${serverPath(serverId)}/volumes/orphaned`, { signal });
}

export function removeOrphanedVolume(serverId: string, dockerName: string): Promise<void> {
  return apiRequest<void>(`${serverPath(serverId)}/volumes/${encodeURIComponent(dockerName)}`, { method: 'DELETE' });
}

export function setAllowedBindRoots(serverId: string, allowedBindRoots: string[]): Promise<ServerDto> {
  return apiRequest<ServerDto>(`${serverPath(serverId)}/allowed-bind-roots`, { method: 'PUT', body: { allowedBindRoots } });
}
