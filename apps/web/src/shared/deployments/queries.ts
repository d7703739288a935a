import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type DeploymentDto, isDeploymentFinished } from '@zpanel/contracts';
import { fetchDeployment, fetchDeployments } from './api';

export const DEPLOYMENTS_PER_PAGE = 20;
/**
 * How often a list showing an unfinished deployment is asked again. Pages that follow one
 * deployment live update it at once; lists (and rows of other applications) settle by this.
 */
export const UNFINISHED_POLL_MS = 3_000;

export const deploymentKeys = {
  all: ['deployments'] as const,
  team: (teamId: string) => [...deploymentKeys.all, teamId] as const,
  application: (teamId: string, applicationId: string) => [...deploymentKeys.team(teamId), 'application', applicationId] as const,
  list: (teamId: string, applicationId: string, page: number, perPage: number) =>
    [...deploymentKeys.application(teamId, applicationId), { page, perPage }] as const,
  detail: (teamId: string, id: string) => [...deploymentKeys.team(teamId), 'detail', id] as const,
};

const unfinished = (items: readonly DeploymentDto[] | undefined) => Boolean(items?.some((d) => !isDeploymentFinished(d.status)));

export function useDeployments(teamId: string, applicationId: string, page: number, perPage = DEPLOYMENTS_PER_PAGE) {
  return useQuery({
    queryKey: deploymentKeys.list(teamId, applicationId, page, perPage),
    queryFn: ({ signal }) => fetchDeployments(applicationId, { page, perPage }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (unfinished(query.state.data?.items) ? UNFINISHED_POLL_MS : false),
  });
}

/** The newest deployment of an application (undefined data: never deployed). */
export function useLatestDeployment(teamId: string, applicationId: string) {
  const list = useDeployments(teamId, applicationId, 1, 1);
  return { ...list, data: list.data ? (list.data.items[0] ?? null) : undefined };
}

export function useDeployment(teamId: string, id: string | undefined) {
  return useQuery({
    queryKey: deploymentKeys.detail(teamId, id ?? ''),
    queryFn: ({ signal }) => fetchDeployment(id ?? '', signal),
    enabled: Boolean(id),
  });
}
