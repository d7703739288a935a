import type {
  InstanceSettingsDto,
  InstanceSmtpTestRequest,
  NotificationTestResultDto,
  ReadinessResponse,
  SystemStatus,
  UpdateInstanceSettingsRequest,
} from '@zpanel/contracts';
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

export function fetchInstanceSettings(signal?: AbortSignal): Promise<InstanceSettingsDto> {
  return apiRequest<InstanceSettingsDto>('/api/v1/system/settings', { signal });
}

export function updateInstanceSettings(body: UpdateInstanceSettingsRequest): Promise<InstanceSettingsDto> {
  return apiRequest<InstanceSettingsDto>('/api/v1/system/settings', { method: 'PATCH', body });
}

/** 409 when no SMTP settings are saved; an SMTP failure is data (`ok: false`, `error` in words). */
export function testInstanceSmtp(body: InstanceSmtpTestRequest): Promise<NotificationTestResultDto> {
  return apiRequest<NotificationTestResultDto>('/api/v1/system/settings/smtp/test', { method: 'POST', body });
}
