import { queryOptions, useQuery } from '@tanstack/react-query';
import { fetchInstanceSettings, fetchReadiness, fetchSystemStatus } from './api';

export const systemKeys = {
  all: ['system'] as const,
  readiness: () => [...systemKeys.all, 'readiness'] as const,
  status: () => [...systemKeys.all, 'status'] as const,
  settings: () => [...systemKeys.all, 'settings'] as const,
};

// Socket pushes keep both fresh while connected; polling covers a dropped socket or a dead API.
export const readinessQuery = () =>
  queryOptions({
    queryKey: systemKeys.readiness(),
    queryFn: ({ signal }) => fetchReadiness(signal),
    refetchInterval: 15_000,
  });

export const systemStatusQuery = () =>
  queryOptions({
    queryKey: systemKeys.status(),
    queryFn: ({ signal }) => fetchSystemStatus({ signal }),
    refetchInterval: 30_000,
  });

export function useReadiness() {
  return useQuery(readinessQuery());
}

export function useSystemStatus() {
  return useQuery(systemStatusQuery());
}

/** Only asked for once the caller is known to be an instance operator (others get 403). */
export function useInstanceSettings(enabled: boolean) {
  return useQuery({ queryKey: systemKeys.settings(), queryFn: ({ signal }) => fetchInstanceSettings(signal), enabled });
}
