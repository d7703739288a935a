import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateServerRequest, CreateSshKeyRequest, ServerDto, UpdateServerRequest } from '@zpanel/contracts';
import { serversApi, sshKeysApi, trustHostKey, validateServer } from '../../shared/servers/api';
import { serverKeys, sshKeyKeys } from '../../shared/servers/queries';

export function useCreateSshKey(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateSshKeyRequest) => sshKeysApi.create(body),
    // The variables may hold a pasted private key: gone from the mutation cache at once.
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sshKeyKeys.lists(teamId) }),
  });
}

export function useDeleteSshKey(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => sshKeysApi.remove(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sshKeyKeys.lists(teamId) }),
  });
}

/** Puts the answer in the detail cache, so polling starts from it, and refreshes lists. */
function useStoreServer(teamId: string) {
  const queryClient = useQueryClient();
  return (server: ServerDto) => {
    queryClient.setQueryData(serverKeys.detail(teamId, server.id), server);
    void queryClient.invalidateQueries({ queryKey: serverKeys.lists(teamId) });
    void queryClient.invalidateQueries({ queryKey: sshKeyKeys.lists(teamId) });
  };
}

export function useCreateServer(teamId: string) {
  const store = useStoreServer(teamId);
  return useMutation({ mutationFn: (body: CreateServerRequest) => serversApi.create(body), onSuccess: store });
}

export function useUpdateServer(teamId: string, id: string) {
  const store = useStoreServer(teamId);
  return useMutation({ mutationFn: (body: UpdateServerRequest) => serversApi.update(id, body), onSuccess: store });
}

export function useValidateServer(teamId: string) {
  const store = useStoreServer(teamId);
  return useMutation({ mutationFn: (id: string) => validateServer(id), onSuccess: store });
}

export function useTrustHostKey(teamId: string) {
  const store = useStoreServer(teamId);
  return useMutation({ mutationFn: (id: string) => trustHostKey(id), onSuccess: store });
}

export function useDeleteServer(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => serversApi.remove(id),
    onSuccess: (_, id) => queryClient.removeQueries({ queryKey: serverKeys.detail(teamId, id) }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: serverKeys.lists(teamId) });
      void queryClient.invalidateQueries({ queryKey: sshKeyKeys.lists(teamId) });
    },
  });
}
