import type {
  CreateEnvironmentRequest,
  CreateProjectRequest,
  EnvironmentDto,
  PageQuery,
  Paginated,
  ProjectDto,
  UpdateProjectRequest,
} from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';
import { restResource } from '../../lib/rest-resource';

/** A project is created with its `production` environment; deleting one is a 409 while it still has applications. */
export const projectsApi = restResource<ProjectDto, CreateProjectRequest, UpdateProjectRequest>('/api/v1/projects');
const projectPath = projectsApi.path;

export function fetchEnvironments(projectId: string, { page, perPage }: PageQuery, signal?: AbortSignal): Promise<Paginated<EnvironmentDto>> {
  return apiRequest<Paginated<EnvironmentDto>>(`${projectPath(projectId)}/environments`, { signal, query: { page, perPage } });
}

export function createEnvironment(projectId: string, body: CreateEnvironmentRequest): Promise<EnvironmentDto> {
  return apiRequest<EnvironmentDto>(`${projectPath(projectId)}/environments`, { method: 'POST', body });
}

/** 409 while it has applications, or when it is the project's last one. */
export function deleteEnvironment(id: string): Promise<void> {
  return apiRequest<void>(`/api/v1/environments/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
