import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { fetchEnvironments, fetchProject, fetchProjects } from './api';

export const PROJECTS_PER_PAGE = 20;
/** A project's environments are few (production, staging, previews…): one page of the API's maximum holds them. */
export const ENVIRONMENTS_PER_PAGE = 100;

export const projectKeys = {
  all: ['projects'] as const,
  team: (teamId: string) => [...projectKeys.all, teamId] as const,
  lists: (teamId: string) => [...projectKeys.team(teamId), 'list'] as const,
  list: (teamId: string, page: number) => [...projectKeys.lists(teamId), { page, perPage: PROJECTS_PER_PAGE }] as const,
  detail: (teamId: string, id: string) => [...projectKeys.team(teamId), 'detail', id] as const,
  environments: (teamId: string, projectId: string) => [...projectKeys.detail(teamId, projectId), 'environments'] as const,
};

export const projectsQuery = (teamId: string, page: number) =>
  queryOptions({
    queryKey: projectKeys.list(teamId, page),
    queryFn: ({ signal }) => fetchProjects({ page, perPage: PROJECTS_PER_PAGE }, signal),
    placeholderData: keepPreviousData,
  });

export function useProjects(teamId: string, page: number) {
  return useQuery(projectsQuery(teamId, page));
}

export function useProject(teamId: string, id: string | undefined) {
  return useQuery({
    queryKey: projectKeys.detail(teamId, id ?? ''),
    queryFn: ({ signal }) => fetchProject(id ?? '', signal),
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
