import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { DatabaseDto } from '@zpanel/contracts';
import { fetchDatabases } from './api';

export const DATABASES_PER_PAGE = 20;
/** The link picker offers every database of the environment: one page of the API's maximum holds them. */
export const DATABASE_CHOICES_PER_PAGE = 100;
/** While a listed database is being created, changed or deleted, the list is asked again this often. */
export const DATABASES_POLL_MS = 3_000;

export const databaseKeys = {
  all: ['databases'] as const,
  team: (teamId: string) => [...databaseKeys.all, teamId] as const,
  lists: (teamId: string) => [...databaseKeys.team(teamId), 'list'] as const,
  list: (teamId: string, environmentId: string, page: number, perPage: number) =>
    [...databaseKeys.lists(teamId), { environmentId, page, perPage }] as const,
  detail: (teamId: string, id: string) => [...databaseKeys.team(teamId), 'detail', id] as const,
};

/** A status the worker is about to change by itself. */
export function isSettling(database: Pick<DatabaseDto, 'status'>): boolean {
  return database.status === 'creating' || database.status === 'deleting';
}

export function useDatabases(teamId: string, environmentId: string | undefined, page: number, perPage = DATABASES_PER_PAGE) {
  return useQuery({
    queryKey: databaseKeys.list(teamId, environmentId ?? '', page, perPage),
    queryFn: ({ signal }) => fetchDatabases(environmentId ?? '', { page, perPage }, signal),
    enabled: Boolean(environmentId),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some(isSettling) ? DATABASES_POLL_MS : false),
  });
}
