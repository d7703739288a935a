import { useQueryClient } from '@tanstack/react-query';
import type { TeamMembershipDto } from '@zpanel/contracts';
import { useEffect } from 'react';
import { useSessionStore } from '../../lib/session-store';
import { authKeys, useMe } from '../session/queries';

/**
 * The team requests act in: the stored choice while the user still belongs to it, else their
 * first team. Keeps the store (and so the `x-zpanel-team` header) in step with that answer.
 */
export function useCurrentTeam() {
  const me = useMe();
  const teamId = useSessionStore((state) => state.teamId);
  const selectTeam = useSessionStore((state) => state.selectTeam);
  const teams = me.data?.teams ?? [];
  const current: TeamMembershipDto | undefined = teams.find((team) => team.teamId === teamId) ?? teams[0];

  useEffect(() => {
    if (me.isSuccess && current?.teamId !== teamId) selectTeam(current?.teamId);
  }, [me.isSuccess, current?.teamId, teamId, selectTeam]);

  return { me, teams, current };
}

/** Makes `teamId` current and refetches what was loaded for the previous team. */
export function useSwitchTeam(): (teamId: string) => void {
  const queryClient = useQueryClient();
  return (teamId) => {
    const store = useSessionStore.getState();
    if (store.teamId === teamId) return;
    store.selectTeam(teamId);
    // The user's own account is the same in every team.
    void queryClient.invalidateQueries({ predicate: ({ queryKey }) => queryKey[0] !== authKeys.all[0] });
  };
}
