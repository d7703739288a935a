import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { InstanceSmtpTestRequest, UpdateInstanceSettingsRequest } from '@zpanel/contracts';
import { fetchSystemStatus, testInstanceSmtp, updateInstanceSettings } from './api';
import { systemKeys } from './queries';

/** Asks the API to round-trip a job through a worker; the answer is a fresh status too. */
export function useWorkerProbe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => fetchSystemStatus({ probe: true }),
    onSuccess: (status) => queryClient.setQueryData(systemKeys.status(), status),
  });
}

export function useUpdateInstanceSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateInstanceSettingsRequest) => updateInstanceSettings(body),
    onSuccess: (settings) => queryClient.setQueryData(systemKeys.settings(), settings),
  });
}

export function useTestInstanceSmtp() {
  return useMutation({ mutationFn: (body: InstanceSmtpTestRequest) => testInstanceSmtp(body) });
}
