import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import type { SessionResponse, SetupStatusResponse } from '@zpanel/contracts';
import { useSessionStore } from '../../lib/session-store';
import { changePassword, createOwner, login, logout } from './api';
import { authKeys } from './queries';

/** Whatever the cache holds belongs to the previous user, if any: only the setup status is shared. */
function forgetUserData(queryClient: QueryClient): void {
  const [scope, name] = authKeys.setup();
  queryClient.removeQueries({ predicate: ({ queryKey }) => !(queryKey[0] === scope && queryKey[1] === name) });
}

function beginSession(queryClient: QueryClient, session: SessionResponse): void {
  forgetUserData(queryClient);
  useSessionStore.getState().startSession(session);
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (session) => beginSession(queryClient, session),
  });
}

export function useCreateOwner() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createOwner,
    onSuccess: (session) => {
      queryClient.setQueryData<SetupStatusResponse>(authKeys.setup(), { needsOwner: false });
      beginSession(queryClient, session);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    // Signed out here even when the API could not be told: the user asked to leave this tab.
    onSettled: () => {
      useSessionStore.getState().endSession('signedOut');
      forgetUserData(queryClient);
    },
  });
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}
