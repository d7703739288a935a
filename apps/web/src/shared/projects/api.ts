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

// The team travels in the `x-zpanel-team` header, which the client adds.
const PROJECTS = '/api/v1/projects';
const projectPath = (id: string) => `${PROJECTS}/${encodeURIComponent(id)}`;

export function fetchProjects({ page, perPage }: PageQuery, signal?: AbortSignal): Promise<Paginated<ProjectDto>> {
  return apiRequest<Paginated<ProjectDto>>(PROJECTS, { signal, query: { page, perPage } });
}

export function fetchProject(id: string, signal?: AbortSignal): Promise<ProjectDto> {
  return apiRequest<ProjectDto>(projectPath(id), { signal });
}

/** The project comes with its `production` environment. */
export function createProject(body: CreateProjectRequest): Promise<ProjectDto> {
  return apiRequest<ProjectDto>(PROJECTS, { method: 'POST', body });
}

export function updateProject(id: string, body: UpdateProjectRequest): Promise<ProjectDto> {
  return apiRequest<ProjectDto>(projectPath(id), { method: 'PATCH', body });
}

/** 409 while the project still has applications. */
export function deleteProject(id: string): Promise<void> {
  return apiRequest<void>(projectPath(id), { method: 'DELETE' });
}

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
