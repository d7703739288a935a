import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { fetchApiTokens } from './api';

export const API_TOKENS_PER_PAGE = 20;

export const apiTokenKeys = {
  all: ['api-tokens'] as const,
  lists: (teamId: string) => [...apiTokenKeys.all, teamId, 'list'] as const,
  list: (teamId: string, page: number) => [...apiTokenKeys.lists(teamId), { page, perPage: API_TOKENS_PER_PAGE }] as const,
};

export const apiTokensQuery = (teamId: string, page: number) =>
  queryOptions({
    queryKey: apiTokenKeys.list(teamId, page),
    queryFn: ({ signal }) => fetchApiTokens(teamId, { page, perPage: API_TOKENS_PER_PAGE }, signal),
    // The previous page stays on screen while the next one loads.
    placeholderData: keepPreviousData,
  });

export function useApiTokens(teamId: string, page: number) {
  return useQuery(apiTokensQuery(teamId, page));
}
