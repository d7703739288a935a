import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MeResponse } from '@zpanel/contracts';
import { authKeys } from '../../shared/session/queries';
import { createTeam } from './api';

export function useCreateTeam() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createTeam,
    onSuccess: (membership) => {
      // Listed at once; the refetch then brings whatever else the API knows.
      queryClient.setQueryData<MeResponse>(authKeys.me(), (me) => me && { ...me, teams: [...me.teams, membership] });
      void queryClient.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
}
