import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { type ContainerFilter, fetchContainers } from './api';

export const containerKeys = {
  all: ['containers'] as const,
  server: (teamId: string, serverId: string) => [...containerKeys.all, teamId, serverId] as const,
  list: (teamId: string, serverId: string, filter: ContainerFilter) => [...containerKeys.server(teamId, serverId), 'list', filter] as const,
};

export const containersQuery = (teamId: string, serverId: string, filter: ContainerFilter) =>
  queryOptions({
    queryKey: containerKeys.list(teamId, serverId, filter),
    queryFn: ({ signal }) => fetchContainers(serverId, filter, signal),
    // Switching a filter keeps the old rows on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });

export function useContainers(teamId: string, serverId: string, filter: ContainerFilter) {
  return useQuery(containersQuery(teamId, serverId, filter));
}
