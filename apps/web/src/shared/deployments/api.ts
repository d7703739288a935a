import type { CreateDeploymentRequest, DeploymentDto, PageQuery, Paginated } from '@zpanel/contracts';
import { apiDownload, apiRequest } from '../../lib/api-client';

const deploymentPath = (id: string) => `/api/v1/deployments/${encodeURIComponent(id)}`;
const applicationDeployments = (applicationId: string) => `/api/v1/applications/${encodeURIComponent(applicationId)}/deployments`;

/** 202: queued (a still-queued deployment of the application is superseded). Needs `deploy`. */
export function createDeployment(applicationId: string, body: CreateDeploymentRequest = {}): Promise<DeploymentDto> {
  return apiRequest<DeploymentDto>(applicationDeployments(applicationId), { method: 'POST', body });
}

/** Newest first. */
export function fetchDeployments(applicationId: string, { page, perPage }: PageQuery, signal?: AbortSignal): Promise<Paginated<DeploymentDto>> {
  return apiRequest<Paginated<DeploymentDto>>(applicationDeployments(applicationId), { signal, query: { page, perPage } });
}

export function fetchDeployment(id: string, signal?: AbortSignal): Promise<DeploymentDto> {
  return apiRequest<DeploymentDto>(deploymentPath(id), { signal });
}

/** 202; 409 once it finished. */
export function cancelDeployment(id: string): Promise<DeploymentDto> {
  return apiRequest<DeploymentDto>(`${deploymentPath(id)}/cancel`, { method: 'POST' });
}

/** 202 with the new (rollback) deployment; 409 unless it succeeded and its image is kept. */
export function rollbackDeployment(id: string): Promise<DeploymentDto> {
  return apiRequest<DeploymentDto>(`${deploymentPath(id)}/rollback`, { method: 'POST' });
}

/** The whole stored log as text. */
export function fetchDeploymentLog(id: string): Promise<Blob> {
  return apiDownload(`${deploymentPath(id)}/logs/download`);
}
