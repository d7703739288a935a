import type { AuditEventDto, AuditEventQuery, PageQuery, Paginated } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

/** The current team's log (team from the `x-zpanel-team` header), newest first; admins only. */
export function fetchAuditEvents(query: PageQuery & AuditEventQuery, signal?: AbortSignal): Promise<Paginated<AuditEventDto>> {
  const { page, perPage, action, actorId, since, until } = query;
  return apiRequest<Paginated<AuditEventDto>>('/api/v1/audit-events', { signal, query: { page, perPage, action, actorId, since, until } });
}
