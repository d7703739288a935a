import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateDatabaseRequest, DatabaseDto, UpdateDatabaseRequest } from '@zpanel/contracts';
import { databaseKeys } from '../../shared/databases/queries';
import { type DatabaseAction, createDatabase, deleteDatabase, runDatabaseAction, updateDatabase } from './api';

/**
 * After any change: the answer is cached as the row, and everything under it (its operations, the
 * credentials a rotation changed) and the lists are asked again.
 */
function useRefreshDatabase(teamId: string) {
  const queryClient = useQueryClient();
  return (id: string, database?: DatabaseDto) => {
    if (database) queryClient.setQueryData(databaseKeys.detail(teamId, id), database);
    void queryClient.invalidateQueries({ queryKey: databaseKeys.detail(teamId, id) });
    void queryClient.invalidateQueries({ queryKey: databaseKeys.lists(teamId) });
  };
}

export function useCreateDatabase(teamId: string) {
  const refresh = useRefreshDatabase(teamId);
  return useMutation({
    mutationFn: (body: CreateDatabaseRequest) => createDatabase(body),
    onSuccess: ({ database }) => refresh(database.id, database),
  });
}

export function useUpdateDatabase(teamId: string, id: string) {
  const refresh = useRefreshDatabase(teamId);
  return useMutation({ mutationFn: (body: UpdateDatabaseRequest) => updateDatabase(id, body), onSuccess: ({ database }) => refresh(id, database) });
}

export function useDatabaseAction(teamId: string, id: string) {
  const refresh = useRefreshDatabase(teamId);
  return useMutation({ mutationFn: (action: DatabaseAction) => runDatabaseAction(id, action), onSettled: () => refresh(id) });
}

export function useDeleteDatabase(teamId: string, id: string) {
  const refresh = useRefreshDatabase(teamId);
  return useMutation({ mutationFn: (deleteData: boolean) => deleteDatabase(id, deleteData), onSuccess: () => refresh(id) });
}
