import { queryOptions, useQuery } from '@tanstack/react-query';
import { type AlertState, type MetricsRange, PAGINATION_DEFAULTS } from '@zpanel/contracts';
import { fetchAlertRules, fetchServerAlerts, fetchServerMetrics, fetchTeamAlerts } from './api';

export const ALERTS_PER_PAGE = 20;
/** A server has a handful of rules: one page of the API's largest size holds them. */
export const RULES_PER_PAGE = PAGINATION_DEFAULTS.maxPerPage;
/** Open alerts counted per server in the servers list: the API's largest page. */
export const OPEN_ALERTS_PER_PAGE = PAGINATION_DEFAULTS.maxPerPage;

/** Bucketed ranges are not fed live; they are fetched again at about their bucket width. */
const REFRESH_MS: Record<MetricsRange, number | false> = { '1h': false, '24h': 60_000, '7d': 600_000 };

export const metricsKeys = {
  all: ['metrics'] as const,
  team: (teamId: string) => [...metricsKeys.all, teamId] as const,
  server: (teamId: string, serverId: string) => [...metricsKeys.team(teamId), 'server', serverId] as const,
  metrics: (teamId: string, serverId: string, range: MetricsRange) => [...metricsKeys.server(teamId, serverId), 'metrics', range] as const,
  rules: (teamId: string, serverId: string) => [...metricsKeys.server(teamId, serverId), 'alert-rules'] as const,
  ruleList: (teamId: string, serverId: string, page: number) => [...metricsKeys.rules(teamId, serverId), { page, perPage: RULES_PER_PAGE }] as const,
  serverAlerts: (teamId: string, serverId: string) => [...metricsKeys.server(teamId, serverId), 'alerts'] as const,
  serverAlertList: (teamId: string, serverId: string, state: AlertState | undefined, page: number) =>
    [...metricsKeys.serverAlerts(teamId, serverId), { state, page, perPage: ALERTS_PER_PAGE }] as const,
  openTeamAlerts: (teamId: string) => [...metricsKeys.team(teamId), 'open-alerts'] as const,
};

export const serverMetricsQuery = (teamId: string, serverId: string, range: MetricsRange) =>
  queryOptions({
    queryKey: metricsKeys.metrics(teamId, serverId, range),
    queryFn: ({ signal }) => fetchServerMetrics(serverId, range, signal),
    refetchInterval: REFRESH_MS[range],
  });

export const alertRulesQuery = (teamId: string, serverId: string, page: number) =>
  queryOptions({
    queryKey: metricsKeys.ruleList(teamId, serverId, page),
    queryFn: ({ signal }) => fetchAlertRules(serverId, { page, perPage: RULES_PER_PAGE }, signal),
  });

export const serverAlertsQuery = (teamId: string, serverId: string, state: AlertState | undefined, page: number) =>
  queryOptions({
    queryKey: metricsKeys.serverAlertList(teamId, serverId, state, page),
    queryFn: ({ signal }) => fetchServerAlerts(serverId, { state, page, perPage: ALERTS_PER_PAGE }, signal),
  });

export const openTeamAlertsQuery = (teamId: string) =>
  queryOptions({
    queryKey: metricsKeys.openTeamAlerts(teamId),
    queryFn: ({ signal }) => fetchTeamAlerts({ state: 'open', page: 1, perPage: OPEN_ALERTS_PER_PAGE }, signal),
  });

export function useServerMetrics(teamId: string, serverId: string, range: MetricsRange) {
  return useQuery(serverMetricsQuery(teamId, serverId, range));
}

export function useAlertRules(teamId: string, serverId: string, page: number) {
  return useQuery(alertRulesQuery(teamId, serverId, page));
}

export function useServerAlerts(teamId: string, serverId: string, state: AlertState | undefined, page: number) {
  return useQuery(serverAlertsQuery(teamId, serverId, state, page));
}

export function useOpenTeamAlerts(teamId: string, enabled = true) {
  return useQuery({ ...openTeamAlertsQuery(teamId), enabled });
}
