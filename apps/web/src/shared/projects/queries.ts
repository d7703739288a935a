import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { teamResourceKeys } from '../../lib/rest-resource';
import { fetchEnvironments, projectsApi } from './api';

export const PROJECTS_PER_PAGE = 20;
/** A project's environments are few (production, staging, previews…): one page of the API's maximum holds them. */
export const ENVIRONMENTS_PER_PAGE = 100;

const projectResourceKeys = teamResourceKeys('projects', PROJECTS_PER_PAGE);

export const projectKeys = {
  ...projectResourceKeys,
  environments: (teamId: string, projectId: string) => [...projectResourceKeys.detail(teamId, projectId), 'environments'] as const,
};

export const projectsQuery = (teamId: string, page: number) =>
  queryOptions({
    queryKey: projectKeys.list(teamId, page),
    queryFn: ({ signal }) => projectsApi.list({ page, perPage: PROJECTS_PER_PAGE }, signal),
    placeholderData: keepPreviousData,
  });

export function useProjects(teamId: string, page: number) {
  return useQuery(projectsQuery(teamId, page));
}

export function useProject(teamId: string, id: string | undefined) {
  return useQuery({
    queryKey: projectKeys.detail(teamId, id ?? ''),
    queryFn: ({ signal }) => projectsApi.get(id ?? '', signal),
    enabled: Boolean(id),
  });
}

export function useEnvironments(teamId: string, projectId: string | undefined) {
  return useQuery({
    queryKey: projectKeys.environments(teamId, projectId ?? ''),
    queryFn: ({ signal }) => fetchEnvironments(projectId ?? '', { page: 1, perPage: ENVIRONMENTS_PER_PAGE }, signal),
    enabled: Boolean(projectId),
  });
}
