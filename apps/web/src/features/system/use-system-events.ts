import { useQueryClient } from '@tanstack/react-query';
import { useSocketEvent } from '../../lib/use-socket-event';
import { systemKeys } from './queries';

/** Writes `system:status` pushes into the cache, so every view of the status updates at once. */
export function useSystemEvents(): void {
  const queryClient = useQueryClient();
  useSocketEvent('system:status', (status) => {
    queryClient.setQueryData(systemKeys.status(), status);
    queryClient.setQueryData(systemKeys.readiness(), status.readiness);
  });
}
