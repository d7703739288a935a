import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fetchSystemStatus } from './api';
import { systemKeys } from './queries';

/** Asks the API to round-trip a job through a worker; the answer is a fresh status too. */
export function useWorkerProbe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => fetchSystemStatus({ probe: true }),
    onSuccess: (status) => queryClient.setQueryData(systemKeys.status(), status),
  });
}
