import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateApiTokenRequest } from '@zpanel/contracts';
import { createApiToken, revokeApiToken } from './api';
import { apiTokenKeys } from './queries';

export function useCreateApiToken(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiTokenRequest) => createApiToken(teamId, body),
    // The answer holds the secret token: gone from the mutation cache once the dialog lets go.
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiTokenKeys.lists(teamId) }),
  });
}

export function useRevokeApiToken(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) => revokeApiToken(teamId, tokenId),
    // Also after a failure: a 409 means someone else revoked it meanwhile.
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiTokenKeys.lists(teamId) }),
  });
}
