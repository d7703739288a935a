import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { ServerDto } from '@zpanel/contracts';
import { fetchServer, fetchServers, fetchSshKeys } from './api';

export const SERVERS_PER_PAGE = 20;
/** The wizard's key picker and the keys section show them all (the API's maximum page). */
export const SSH_KEYS_PER_PAGE = 100;
/** How often a server being validated is asked for again. */
export const VALIDATION_POLL_MS = 1_000;

export const serverKeys = {
  all: ['servers'] as const,
  team: (teamId: string) => [...serverKeys.all, teamId] as const,
  lists: (teamId: string) => [...serverKeys.team(teamId), 'list'] as const,
  list: (teamId: string, page: number) => [...serverKeys.lists(teamId), { page, perPage: SERVERS_PER_PAGE }] as const,
  detail: (teamId: string, id: string) => [...serverKeys.team(teamId), 'detail', id] as const,
};

export const sshKeyKeys = {
  all: ['ssh-keys'] as const,
  lists: (teamId: string) => [...sshKeyKeys.all, teamId, 'list'] as const,
};

export const serversQuery = (teamId: string, page: number) =>
  queryOptions({
    queryKey: serverKeys.list(teamId, page),
    queryFn: ({ signal }) => fetchServers({ page, perPage: SERVERS_PER_PAGE }, signal),
    placeholderData: keepPreviousData,
    // A server being validated settles within seconds: keep the list in step.
    refetchInterval: (query) => (query.state.data?.items.some(isValidating) ? VALIDATION_POLL_MS : false),
  });

export const serverQuery = (teamId: string, id: string) =>
  queryOptions({
    queryKey: serverKeys.detail(teamId, id),
    queryFn: ({ signal }) => fetchServer(id, signal),
    refetchInterval: (query) => (query.state.data && isValidating(query.state.data) ? VALIDATION_POLL_MS : false),
  });

export const sshKeysQuery = (teamId: string) =>
  queryOptions({
    queryKey: sshKeyKeys.lists(teamId),
    queryFn: ({ signal }) => fetchSshKeys({ page: 1, perPage: SSH_KEYS_PER_PAGE }, signal),
  });

export function isValidating(server: ServerDto): boolean {
  return server.status === 'validating';
}

export function useServers(teamId: string, page: number) {
  return useQuery(serversQuery(teamId, page));
}

export function useServer(teamId: string, id: string | undefined) {
  return useQuery({ ...serverQuery(teamId, id ?? ''), enabled: Boolean(id) });
}

export function useSshKeys(teamId: string) {
  return useQuery(sshKeysQuery(teamId));
}
