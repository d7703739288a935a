import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateBackupDestinationRequest, UpdateBackupDestinationRequest } from '@zpanel/contracts';
import { backupKeys } from '../../shared/backups/queries';
import { checkDestination, destinationsApi, fetchDestinationKey } from './api';

function useDestinationsMutation<V, R>(teamId: string, mutationFn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSettled: () => queryClient.invalidateQueries({ queryKey: backupKeys.destinations(teamId) }) });
}

export const useCreateDestination = (teamId: string) =>
  useDestinationsMutation(teamId, (body: CreateBackupDestinationRequest) => destinationsApi.create(body));

export const useUpdateDestination = (teamId: string) =>
  useDestinationsMutation(teamId, ({ id, body }: { id: string; body: UpdateBackupDestinationRequest }) => destinationsApi.update(id, body));

export const useDeleteDestination = (teamId: string) => useDestinationsMutation(teamId, (id: string) => destinationsApi.remove(id));

export function useCheckDestination() {
  return useMutation({ mutationFn: checkDestination });
}

/** The key is a secret: gone from the mutation cache once the dialog lets go. */
export function useRevealDestinationKey() {
  return useMutation({ mutationFn: fetchDestinationKey, gcTime: 0 });
}
