import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { serversApi } from '../servers/api';
import { serverKeys } from '../servers/queries';
import { type EnvOwner, fetchApplication, fetchApplications, fetchEnvVars } from './api';

export const APPLICATIONS_PER_PAGE = 20;

export const applicationKeys = {
  all: ['applications'] as const,
  team: (teamId: string) => [...applicationKeys.all, teamId] as const,
  lists: (teamId: string) => [...applicationKeys.team(teamId), 'list'] as const,
  list: (teamId: string, environmentId: string, page: number) =>
    [...applicationKeys.lists(teamId), { environmentId, page, perPage: APPLICATIONS_PER_PAGE }] as const,
  detail: (teamId: string, id: string) => [...applicationKeys.team(teamId), 'detail', id] as const,
};

export const envVarKeys = {
  all: ['env-vars'] as const,
  team: (teamId: string) => [...envVarKeys.all, teamId] as const,
  owner: (teamId: string, owner: EnvOwner) => [...envVarKeys.team(teamId), owner.scope, owner.id] as const,
};

export function useApplications(teamId: string, environmentId: string | undefined, page: number) {
  return useQuery({
    queryKey: applicationKeys.list(teamId, environmentId ?? '', page),
    queryFn: ({ signal }) => fetchApplications({ environmentId, page, perPage: APPLICATIONS_PER_PAGE }, signal),
    enabled: Boolean(environmentId),
    placeholderData: keepPreviousData,
  });
}

export function useApplication(teamId: string, id: string | undefined) {
  return useQuery({
    queryKey: applicationKeys.detail(teamId, id ?? ''),
    queryFn: ({ signal }) => fetchApplication(id ?? '', signal),
    enabled: Boolean(id),
  });
}

export function useEnvVars(teamId: string, owner: EnvOwner) {
  return useQuery({ queryKey: envVarKeys.owner(teamId, owner), queryFn: ({ signal }) => fetchEnvVars(owner, signal) });
}

/** Servers an application can run on: all of the team's (one page of the API's maximum). */
export const SERVER_CHOICES_PER_PAGE = 100;

export function useServerChoices(teamId: string) {
  return useQuery({
    // Under the servers' list key, so adding or renaming a server refreshes it.
    queryKey: [...serverKeys.lists(teamId), { page: 1, perPage: SERVER_CHOICES_PER_PAGE }],
    queryFn: ({ signal }) => serversApi.list({ page: 1, perPage: SERVER_CHOICES_PER_PAGE }, signal),
  });
}
