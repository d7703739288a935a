import type {
  AlertEventDto,
  AlertRuleDto,
  AlertState,
  CreateAlertRuleRequest,
  MetricsRange,
  PageQuery,
  Paginated,
  ServerMetricsDto,
  UpdateAlertRuleRequest,
} from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

const serverPath = (serverId: string) => `/api/v1/servers/${encodeURIComponent(serverId)}`;
const rulePath = (serverId: string, ruleId: string) => `${serverPath(serverId)}/alert-rules/${encodeURIComponent(ruleId)}`;

/** Oldest point first; 1h is raw samples, longer ranges are bucket averages. */
export function fetchServerMetrics(serverId: string, range: MetricsRange, signal?: AbortSignal): Promise<ServerMetricsDto> {
  return apiRequest<ServerMetricsDto>(`${serverPath(serverId)}/metrics`, { signal, query: { range } });
}

export function fetchAlertRules(serverId: string, { page, perPage }: PageQuery, signal?: AbortSignal): Promise<Paginated<AlertRuleDto>> {
  return apiRequest<Paginated<AlertRuleDto>>(`${serverPath(serverId)}/alert-rules`, { signal, query: { page, perPage } });
}

export function createAlertRule(serverId: string, body: CreateAlertRuleRequest): Promise<AlertRuleDto> {
  return apiRequest<AlertRuleDto>(`${serverPath(serverId)}/alert-rules`, { method: 'POST', body });
}

export function updateAlertRule(serverId: string, ruleId: string, body: UpdateAlertRuleRequest): Promise<AlertRuleDto> {
  return apiRequest<AlertRuleDto>(rulePath(serverId, ruleId), { method: 'PATCH', body });
}

export function deleteAlertRule(serverId: string, ruleId: string): Promise<void> {
  return apiRequest<void>(rulePath(serverId, ruleId), { method: 'DELETE' });
}

export interface AlertsQuery extends PageQuery {
  /** Absent: open and resolved alike. */
  state?: AlertState;
}

/** Newest first. */
export function fetchServerAlerts(serverId: string, { state, page, perPage }: AlertsQuery, signal?: AbortSignal): Promise<Paginated<AlertEventDto>> {
  return apiRequest<Paginated<AlertEventDto>>(`${serverPath(serverId)}/alerts`, { signal, query: { state, page, perPage } });
}

/** Alerts of every server of the team the client's team header names. */
export function fetchTeamAlerts({ state, page, perPage }: AlertsQuery, signal?: AbortSignal): Promise<Paginated<AlertEventDto>> {
  return apiRequest<Paginated<AlertEventDto>>('/api/v1/alerts', { signal, query: { state, page, perPage } });
}
