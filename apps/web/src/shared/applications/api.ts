import type {
  ApplicationDto,
  ApplicationListQuery,
  BulkEnvRequest,
  CreateApplicationRequest,
  EnvVarDto,
  EnvVarScope,
  GeneratedDeployKeyResponse,
  PageQuery,
  Paginated,
  UpdateApplicationRequest,
  UpsertEnvVarRequest,
} from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';
import { restResource } from '../../lib/rest-resource';

const APPLICATIONS = '/api/v1/applications';
const applications = restResource<ApplicationDto, CreateApplicationRequest, UpdateApplicationRequest>(APPLICATIONS);
const applicationPath = applications.path;

export function fetchApplications(query: ApplicationListQuery & PageQuery, signal?: AbortSignal): Promise<Paginated<ApplicationDto>> {
  const { page, perPage, projectId, environmentId } = query;
  return apiRequest<Paginated<ApplicationDto>>(APPLICATIONS, { signal, query: { projectId, environmentId, page, perPage } });
}

export const fetchApplication = applications.get;
export const createApplication = applications.create;
export const updateApplication = applications.update;

export function generateDeployKey(id: string): Promise<GeneratedDeployKeyResponse> {
  return apiRequest<GeneratedDeployKeyResponse>(`${applicationPath(id)}/deploy-key`, { method: 'POST' });
}

export function forgetGitHostKey(id: string): Promise<ApplicationDto> {
  return apiRequest<ApplicationDto>(`${applicationPath(id)}/git-host-key/forget`, { method: 'POST' });
}

/** `deleteVolumes`: its named volumes go too, with their data (otherwise they stay on the server, listed as orphaned). */
export function deleteApplication(id: string, options: { deleteVolumes?: boolean } = {}): Promise<void> {
  return apiRequest<void>(`/api/v1/applications/${encodeURIComponent(id)}`, {
    method: 'DELETE',
    query: { deleteVolumes: options.deleteVolumes ? 'true' : undefined },
  });
}

/**
 * Whose variables: an application (its list is the effective one: shared variables of its
 * environment, overridden by its own), an environment (its shared ones), or the preview
 * overrides of an application (`id`: the application previewed; only the overrides are listed).
 */
export interface EnvOwner {
  scope: EnvVarScope;
  id: string;
}

const ENV_PATHS: Record<EnvVarScope, (id: string) => string> = {
  application: (id) => `${applicationPath(id)}/env`,
  environment: (id) => `/api/v1/environments/${encodeURIComponent(id)}/env`,
  preview: (id) => `${applicationPath(id)}/preview-env`,
};

const envPath = ({ scope, id }: EnvOwner) => ENV_PATHS[scope](id);

export function fetchEnvVars(owner: EnvOwner, signal?: AbortSignal): Promise<EnvVarDto[]> {
  return apiRequest<EnvVarDto[]>(envPath(owner), { signal });
}

export function upsertEnvVar(owner: EnvOwner, key: string, body: UpsertEnvVarRequest): Promise<EnvVarDto> {
  return apiRequest<EnvVarDto>(`${envPath(owner)}/${encodeURIComponent(key)}`, { method: 'PUT', body });
}

export function deleteEnvVar(owner: EnvOwner, key: string): Promise<void> {
  return apiRequest<void>(`${envPath(owner)}/${encodeURIComponent(key)}`, { method: 'DELETE' });
}

/** Replaces the owner's own variables with those of a `.env` text; answers the list afterwards. */
export function replaceEnvVars(owner: EnvOwner, body: BulkEnvRequest): Promise<EnvVarDto[]> {
  return apiRequest<EnvVarDto[]>(envPath(owner), { method: 'PUT', body });
}
