import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CommandRunDto, CreateCommandRunRequest } from '@zpanel/contracts';
import { cancelCommandRun, runCommand } from './api';
import { commandRunKeys } from './queries';

/** The answer is the run itself: cached as its detail, so its view starts from it; the history refreshes. */
function useStoreRun(teamId: string, serverId: string) {
  const queryClient = useQueryClient();
  return (run: CommandRunDto) => {
    queryClient.setQueryData(commandRunKeys.detail(teamId, serverId, run.id), run);
    void queryClient.invalidateQueries({ queryKey: commandRunKeys.lists(teamId, serverId) });
  };
}

export function useRunCommand(teamId: string, serverId: string) {
  const store = useStoreRun(teamId, serverId);
  return useMutation({ mutationFn: (body: CreateCommandRunRequest) => runCommand(serverId, body), onSuccess: store });
}

export function useCancelCommandRun(teamId: string, serverId: string) {
  const store = useStoreRun(teamId, serverId);
  return useMutation({ mutationFn: (runId: string) => cancelCommandRun(serverId, runId), onSuccess: store });
}
