import { queryOptions, useQuery } from '@tanstack/react-query';
import { fetchMe, fetchSetupStatus } from './api';

export const authKeys = {
  all: ['auth'] as const,
  setup: () => [...authKeys.all, 'setup'] as const,
  me: () => [...authKeys.all, 'me'] as const,
};

export const setupStatusQuery = () =>
  queryOptions({
    queryKey: authKeys.setup(),
    queryFn: ({ signal }) => fetchSetupStatus(signal),
  });

export const meQuery = () =>
  queryOptions({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: 60_000,
  });

export function useSetupStatus() {
  return useQuery(setupStatusQuery());
}

export function useMe() {
  return useQuery(meQuery());
}
