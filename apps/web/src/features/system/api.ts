import type { ReadinessResponse, SystemStatus } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

/** `/api/ready` answers 503 with the same body when a dependency is down: that is data, not a failure. */
export function fetchReadiness(signal?: AbortSignal): Promise<ReadinessResponse> {
  return apiRequest<ReadinessResponse>('/api/ready', { signal, acceptStatuses: [503] });
}

/** With `probe`, the API round-trips a job through the queue before answering. */
export function fetchSystemStatus(options: { probe?: boolean; signal?: AbortSignal } = {}): Promise<SystemStatus> {
  return apiRequest<SystemStatus>('/api/v1/system/status', {
    signal: options.signal,
    query: { probe: options.probe || undefined },
  });
}
