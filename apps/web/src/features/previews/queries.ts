import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchPreviews } from './api';

export const PREVIEWS_PER_PAGE = 20;
/** Pull requests open, update and close at the provider: the list is asked again this often while shown. */
export const PREVIEWS_POLL_MS = 5_000;

export const previewKeys = {
  all: ['previews'] as const,
  application: (teamId: string, applicationId: string) => [...previewKeys.all, teamId, applicationId] as const,
  list: (teamId: string, applicationId: string, page: number) =>
    [...previewKeys.application(teamId, applicationId), 'list', { page, perPage: PREVIEWS_PER_PAGE }] as const,
};

export function usePreviews(teamId: string, applicationId: string, page: number) {
  return useQuery({
    queryKey: previewKeys.list(teamId, applicationId, page),
    queryFn: ({ signal }) => fetchPreviews(applicationId, { page, perPage: PREVIEWS_PER_PAGE }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: PREVIEWS_POLL_MS,
  });
}
