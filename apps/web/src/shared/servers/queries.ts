import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { ServerDto } from '@zpanel/contracts';
import { teamResourceKeys } from '../../lib/rest-resource';
import { serversApi, sshKeysApi } from './api';

export const SERVERS_PER_PAGE = 20;
/** The wizard's key picker and the keys section show them all (the API's maximum page). */
export const SSH_KEYS_PER_PAGE = 100;
/** How often a server being validated is asked for again. */
export const VALIDATION_POLL_MS = 1_000;

export const serverKeys = teamResourceKeys('servers', SERVERS_PER_PAGE);

export const sshKeyKeys = {
  all: ['ssh-keys'] as const,
  lists: (teamId: string) => [...sshKeyKeys.all, teamId, 'list'] as const,
};

export const serversQuery = (teamId: string, page: number) =>
  queryOptions({
    queryKey: serverKeys.list(teamId, page),
    queryFn: ({ signal }) => serversApi.list({ page, perPage: SERVERS_PER_PAGE }, signal),
    placeholderData: keepPreviousData,
    // A server being validated settles within seconds: keep the list in step.
    refetchInterval: (query) => (query.state.data?.items.some(isValidating) ? VALIDATION_POLL_MS : false),
  });

export const serverQuery = (teamId: string, id: string) =>
  queryOptions({
    queryKey: serverKeys.detail(teamId, id),
    queryFn: ({ signal }) => serversApi.get(id, signal),
    refetchInterval: (query) => (query.state.data && isValidating(query.state.data) ? VALIDATION_POLL_MS : false),
  });

export const sshKeysQuery = (teamId: string) =>
  queryOptions({
    queryKey: sshKeyKeys.lists(teamId),
    queryFn: ({ signal }) => sshKeysApi.list({ page: 1, perPage: SSH_KEYS_PER_PAGE }, signal),
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
