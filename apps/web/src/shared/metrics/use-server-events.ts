import { useQueryClient } from '@tanstack/react-query';
import type { QueryKey } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useRef } from 'react';
import { type LiveSubscriptionState, useLiveSubscription } from '../../lib/use-live-subscription';
import { serverKeys } from '../servers/queries';
import { applyServerEvent } from './live-cache';
import { metricsKeys } from './queries';

/**
 * Samples, status changes and alerts of one server, folded into the query cache while the server
 * page is open. The topic is not replayed on resubscribe, so after a reconnect what may have been
 * missed is fetched again.
 */
export function useServerEvents(teamId: string, serverId: string | undefined): LiveSubscriptionState {
  const queryClient = useQueryClient();
  const key = teamId && serverId ? `server:${teamId}:${serverId}` : null;
  const state = useLiveSubscription<'server'>(
    key,
    () => ({ kind: 'server', serverId: serverId ?? '' }),
    (event) => applyServerEvent(queryClient, teamId, event),
  );
  useRefetchAfterResubscribe(key, state, [serverKeys.detail(teamId, serverId ?? ''), metricsKeys.server(teamId, serverId ?? '')]);
  return state;
}

/** Status changes and alerts of every server of the team, for the servers list. */
export function useTeamServerEvents(teamId: string | undefined): LiveSubscriptionState {
  const queryClient = useQueryClient();
  const key = teamId ? `team:${teamId}` : null;
  const state = useLiveSubscription<'team'>(
    key,
    () => ({ kind: 'team', teamId: teamId ?? '' }),
    (event) => applyServerEvent(queryClient, teamId ?? '', event),
  );
  useRefetchAfterResubscribe(key, state, [serverKeys.lists(teamId ?? ''), metricsKeys.openTeamAlerts(teamId ?? '')]);
  return state;
}

/** The first subscription follows a fresh fetch; every later one (a reconnect) may have missed events. */
function useRefetchAfterResubscribe(key: string | null, state: LiveSubscriptionState, queryKeys: QueryKey[]): void {
  const queryClient = useQueryClient();
  const liveBefore = useRef<string | null>(null);
  const live = state.status === 'live';
  const refetch = useEffectEvent(() => {
    for (const queryKey of queryKeys) void queryClient.invalidateQueries({ queryKey });
  });
  useEffect(() => {
    if (!live || key === null) return;
    if (liveBefore.current === key) refetch();
    liveBefore.current = key;
  }, [live, key]);
}
