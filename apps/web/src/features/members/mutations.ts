import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import type { InviteMemberRequest, MeResponse, Role, SessionResponse, TeamMembershipDto } from '@zpanel/contracts';
import { useSessionStore } from '../../lib/session-store';
import { authKeys } from '../../shared/session/queries';
import { acceptInvitation, changeMemberRole, inviteMember, registerWithInvitation, removeMember, revokeInvitation } from './api';
import { membersKeys } from './queries';

export function useChangeMemberRole(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) => changeMemberRole(teamId, userId, { role }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: membersKeys.members(teamId) });
      // Your own role may be the one that changed; the team switcher shows it.
      void queryClient.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
}

export function useRemoveMember(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => removeMember(teamId, userId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersKeys.members(teamId) }),
  });
}

/** Removes yourself; the caller then leaves the page and calls `forgetTeam`. */
export function useLeaveTeam(teamId: string) {
  return useMutation({ mutationFn: (ownUserId: string) => removeMember(teamId, ownUserId) });
}

/** Drops a team just left from the cache; answers the team to switch to, if any is left. */
export function forgetTeam(queryClient: QueryClient, teamId: string): TeamMembershipDto | undefined {
  const me = queryClient.setQueryData<MeResponse>(
    authKeys.me(),
    (cached) => cached && { ...cached, teams: cached.teams.filter((team) => team.teamId !== teamId) },
  );
  queryClient.removeQueries({ queryKey: membersKeys.team(teamId) });
  void queryClient.invalidateQueries({ queryKey: authKeys.me() });
  return me?.teams[0];
}

export function useInviteMember(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: InviteMemberRequest) => inviteMember(teamId, body),
    // A new invitation also revokes a pending one for the same address.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersKeys.invitations(teamId) }),
  });
}

export function useRevokeInvitation(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) => revokeInvitation(teamId, invitationId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersKeys.invitations(teamId) }),
  });
}

export function useAcceptInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: acceptInvitation,
    onSuccess: (membership) => {
      // In the list before the team is made current, so the switcher does not fall back to another.
      queryClient.setQueryData<MeResponse>(authKeys.me(), (me) => me && { ...me, teams: [...me.teams, membership] });
      void queryClient.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
}

/**
 * Signs the new account in, as a login does: whatever the cache held belonged to whoever used the
 * tab before, except the set-up status and the invitation on screen.
 */
export function useRegisterWithInvitation(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: registerWithInvitation,
    onSuccess: (session: SessionResponse) => {
      const keep = [authKeys.setup(), membersKeys.preview(token)].map((key) => JSON.stringify(key));
      queryClient.removeQueries({ predicate: ({ queryKey }) => !keep.includes(JSON.stringify(queryKey)) });
      useSessionStore.getState().startSession(session);
    },
  });
}
