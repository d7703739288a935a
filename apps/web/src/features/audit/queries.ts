import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { AuditEventQuery } from '@zpanel/contracts';
import { fetchAuditEvents } from './api';

export const AUDIT_EVENTS_PER_PAGE = 25;

export type AuditListQuery = AuditEventQuery & { page: number };

export const auditKeys = {
  all: ['audit'] as const,
  lists: (teamId: string) => [...auditKeys.all, teamId, 'events'] as const,
  list: (teamId: string, query: AuditListQuery) => [...auditKeys.lists(teamId), { ...query, perPage: AUDIT_EVENTS_PER_PAGE }] as const,
};

export const auditEventsQuery = (teamId: string, query: AuditListQuery) =>
  queryOptions({
    queryKey: auditKeys.list(teamId, query),
    queryFn: ({ signal }) => fetchAuditEvents({ ...query, perPage: AUDIT_EVENTS_PER_PAGE }, signal),
    placeholderData: keepPreviousData,
  });

/**
 * `teamId` names the team in the key; the request carries the team of the session store, so the
 * caller enables the query only once the two agree.
 */
export function useAuditEvents(teamId: string, query: AuditListQuery, enabled: boolean) {
  return useQuery({ ...auditEventsQuery(teamId, query), enabled });
}
