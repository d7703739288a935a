import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import type { MeResponse } from '@zpanel/contracts';
import { authKeys } from '../../shared/session/queries';
import { confirmTwoFactor, disableTwoFactor, regenerateRecoveryCodes, startEnrollment } from './api';

/**
 * The answers (secret, recovery codes) and variables (password, codes) of these mutations are
 * secrets: the mutation cache drops them as soon as no component observes them, instead of
 * keeping them for the default five minutes. Components copy what they show into local state
 * and reset the mutation.
 */
const FORGET_AT_ONCE = { gcTime: 0 } as const;

/** Shows the new state at once (the account card's badge); the refetch confirms it. */
function markTwoFactor(queryClient: QueryClient, enabled: boolean): void {
  queryClient.setQueryData<MeResponse>(authKeys.me(), (me) => me && { ...me, user: { ...me.user, twoFactorEnabled: enabled } });
  void queryClient.invalidateQueries({ queryKey: authKeys.me() });
}

export function useStartEnrollment() {
  return useMutation({ mutationFn: startEnrollment, ...FORGET_AT_ONCE });
}

export function useConfirmTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: confirmTwoFactor, ...FORGET_AT_ONCE, onSuccess: () => markTwoFactor(queryClient, true) });
}

export function useDisableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: disableTwoFactor, ...FORGET_AT_ONCE, onSuccess: () => markTwoFactor(queryClient, false) });
}

export function useRegenerateRecoveryCodes() {
  return useMutation({ mutationFn: regenerateRecoveryCodes, ...FORGET_AT_ONCE });
}
