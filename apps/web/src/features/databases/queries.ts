import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type DatabaseOperationDto, FINISHED_DATABASE_OPERATION_STATUSES } from '@zpanel/contracts';
import { databaseKeys, isSettling } from '../../shared/databases/queries';
import { fetchDatabase, fetchDatabaseCredentials, fetchDatabaseOperation, fetchDatabaseOperations } from './api';

export const OPERATIONS_PER_PAGE = 10;
/** While the database or one of its operations is on its way somewhere, they are asked again this often. */
export const DATABASE_POLL_MS = 2_000;
/**
 * Otherwise the database is asked again this often while its page is open: the server check may
 * change its status at any time (a container that died, an engine that stopped answering), and there
 * is no live event for that.
 */
export const DATABASE_STATUS_POLL_MS = 30_000;

export const databaseDetailKeys = {
  operations: (teamId: string, id: string) => [...databaseKeys.detail(teamId, id), 'operations'] as const,
  operationList: (teamId: string, id: string, page: number) =>
    [...databaseDetailKeys.operations(teamId, id), 'list', { page, perPage: OPERATIONS_PER_PAGE }] as const,
  operation: (teamId: string, id: string, operationId: string) => [...databaseDetailKeys.operations(teamId, id), 'detail', operationId] as const,
  credentials: (teamId: string, id: string) => [...databaseKeys.detail(teamId, id), 'credentials'] as const,
};

/** Queued or running: the API refuses another operation on the database until it ends. */
export const isActive = (operation: Pick<DatabaseOperationDto, 'status'>) => !FINISHED_DATABASE_OPERATION_STATUSES.includes(operation.status);

export function useDatabase(teamId: string, id: string | undefined) {
  return useQuery({
    queryKey: databaseKeys.detail(teamId, id ?? ''),
    queryFn: ({ signal }) => fetchDatabase(id ?? '', signal),
    enabled: Boolean(id),
    refetchInterval: (query) => (query.state.data && isSettling(query.state.data) ? DATABASE_POLL_MS : DATABASE_STATUS_POLL_MS),
  });
}

export function useDatabaseOperations(teamId: string, id: string, page: number) {
  return useQuery({
    queryKey: databaseDetailKeys.operationList(teamId, id, page),
    queryFn: ({ signal }) => fetchDatabaseOperations(id, { page, perPage: OPERATIONS_PER_PAGE }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some(isActive) ? DATABASE_POLL_MS : false),
  });
}

/** With its stored log; with `poll` (no live topic to follow), asked again while it runs. */
export function useDatabaseOperation(teamId: string, id: string, operationId: string, poll: boolean) {
  return useQuery({
    queryKey: databaseDetailKeys.operation(teamId, id, operationId),
    queryFn: ({ signal }) => fetchDatabaseOperation(id, operationId, signal),
    refetchInterval: (query) => (poll && query.state.data && isActive(query.state.data) ? DATABASE_POLL_MS : false),
  });
}

/** The secret is asked for only while shown, and dropped from the cache as soon as it is hidden. */
export function useDatabaseCredentials(teamId: string, id: string) {
  return useQuery({
    queryKey: databaseDetailKeys.credentials(teamId, id),
    queryFn: ({ signal }) => fetchDatabaseCredentials(id, signal),
    gcTime: 0,
    staleTime: Infinity,
  });
}
