import type { QueryClient } from '@tanstack/react-query';
import type { AlertEventDto, Paginated, ServerDto, ServerLiveEvent, ServerMetricsDto } from '@zpanel/contracts';
import { serverKeys } from '../servers/queries';
import { appendSample } from './metric-points';
import { metricsKeys } from './queries';

/**
 * Folds a live event of the `server` or `team` topic into the query cache, the one place the SPA
 * keeps server data: pages showing it re-render, and nothing is fetched that the event already says.
 */
export function applyServerEvent(queryClient: QueryClient, teamId: string, event: ServerLiveEvent): void {
  switch (event.type) {
    case 'status':
      patchServer(queryClient, teamId, event.serverId, {
        status: event.status,
        statusReason: event.statusReason,
        statusReasonCode: event.statusReasonCode,
      });
      // A validation that settles also records the OS, Docker, free disk and host key: fetch the whole row.
      void queryClient.invalidateQueries({ queryKey: serverKeys.detail(teamId, event.serverId) });
      void queryClient.invalidateQueries({ queryKey: serverKeys.lists(teamId) });
      return;
    case 'metrics':
      queryClient.setQueryData<ServerMetricsDto>(metricsKeys.metrics(teamId, event.serverId, '1h'), (metrics) =>
        metrics ? appendSample(metrics, event.sample) : metrics,
      );
      patchServer(queryClient, teamId, event.serverId, { lastCheckedAt: event.sample.ts });
      return;
    case 'alert':
      applyAlert(queryClient, teamId, event.alert);
      return;
  }
}

function patchServer(queryClient: QueryClient, teamId: string, serverId: string, patch: Partial<ServerDto>): void {
  const update = (server: ServerDto) => (server.id === serverId ? { ...server, ...patch } : server);
  queryClient.setQueryData<ServerDto>(serverKeys.detail(teamId, serverId), (server) => server && update(server));
  queryClient.setQueriesData<Paginated<ServerDto>>(
    { queryKey: serverKeys.lists(teamId) },
    (page) => page && { ...page, items: page.items.map(update) },
  );
}

/** A resolution shows at once on the rows already listed; a new alert changes pages and totals, so lists are fetched again. */
function applyAlert(queryClient: QueryClient, teamId: string, alert: AlertEventDto): void {
  // A server's topic carries its own (metric) alerts only; a backup_missed one names no server.
  if (alert.serverId !== null) {
    queryClient.setQueriesData<Paginated<AlertEventDto>>(
      { queryKey: metricsKeys.serverAlerts(teamId, alert.serverId) },
      (page) => page && { ...page, items: page.items.map((row) => (row.id === alert.id ? alert : row)) },
    );
    void queryClient.invalidateQueries({ queryKey: metricsKeys.serverAlerts(teamId, alert.serverId) });
  }
  void queryClient.invalidateQueries({ queryKey: metricsKeys.openTeamAlerts(teamId) });
}
