import type { ContainerDto } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

const containersPath = (serverId: string) => `/api/v1/servers/${encodeURIComponent(serverId)}/containers`;
const containerPath = (serverId: string, containerId: string) => `${containersPath(serverId)}/${encodeURIComponent(containerId)}`;

export interface ContainerFilter {
  /** Stopped ones too (Docker lists running ones only by default). */
  all: boolean;
  /** Only those labelled `zpanel.managed=true`. */
  managedOnly: boolean;
}

/** 503 with the reason when the server cannot be reached. */
export function fetchContainers(serverId: string, { all, managedOnly }: ContainerFilter, signal?: AbortSignal): Promise<ContainerDto[]> {
  return apiRequest<ContainerDto[]>(containersPath(serverId), { signal, query: { all, managedOnly } });
}

export function startContainer(serverId: string, containerId: string): Promise<void> {
  return apiRequest<void>(`${containerPath(serverId, containerId)}/start`, { method: 'POST', body: {} });
}

/** Docker sends SIGTERM, waits `timeoutSeconds` (0..600), then kills. */
export function stopContainer(serverId: string, containerId: string, timeoutSeconds: number): Promise<void> {
  return apiRequest<void>(`${containerPath(serverId, containerId)}/stop`, { method: 'POST', body: { timeoutSeconds } });
}

export function restartContainer(serverId: string, containerId: string): Promise<void> {
  return apiRequest<void>(`${containerPath(serverId, containerId)}/restart`, { method: 'POST', body: {} });
}

/** 409 for a running container unless `force`. */
export function removeContainer(serverId: string, containerId: string, force: boolean): Promise<void> {
  return apiRequest<void>(containerPath(serverId, containerId), { method: 'DELETE', query: { force } });
}
