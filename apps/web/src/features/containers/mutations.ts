import { useMutation, useQueryClient } from '@tanstack/react-query';
import { removeContainer, restartContainer, startContainer, stopContainer } from './api';
import { containerKeys } from './queries';

export type ContainerChange =
  | { action: 'start' | 'restart'; containerId: string }
  | { action: 'stop'; containerId: string; timeoutSeconds: number }
  | { action: 'remove'; containerId: string; force: boolean };

function run(serverId: string, change: ContainerChange): Promise<void> {
  switch (change.action) {
    case 'start':
      return startContainer(serverId, change.containerId);
    case 'restart':
      return restartContainer(serverId, change.containerId);
    case 'stop':
      return stopContainer(serverId, change.containerId, change.timeoutSeconds);
    case 'remove':
      return removeContainer(serverId, change.containerId, change.force);
  }
}

/** One mutation for every change, so the table knows which row is busy; every list of the server refreshes after. */
export function useChangeContainer(teamId: string, serverId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: ContainerChange) => run(serverId, change),
    onSettled: () => queryClient.invalidateQueries({ queryKey: containerKeys.server(teamId, serverId) }),
  });
}
