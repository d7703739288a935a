import type { PageQuery, Paginated } from '@zpanel/contracts';
import { apiRequest } from './api-client';

/**
 * The calls of a REST collection at `base` (the team travels in the `x-zpanel-team` header,
 * which the client adds): a page of it, one by id, create, update and delete.
 */
export function restResource<Dto, Create, Update>(base: string) {
  const path = (id: string) => `${base}/${encodeURIComponent(id)}`;
  return {
    path,
    list: ({ page, perPage }: PageQuery, signal?: AbortSignal) => apiRequest<Paginated<Dto>>(base, { signal, query: { page, perPage } }),
    get: (id: string, signal?: AbortSignal) => apiRequest<Dto>(path(id), { signal }),
    create: (body: Create) => apiRequest<Dto>(base, { method: 'POST', body }),
    update: (id: string, body: Update) => apiRequest<Dto>(path(id), { method: 'PATCH', body }),
    remove: (id: string) => apiRequest<void>(path(id), { method: 'DELETE' }),
  };
}

/** The query keys of a team's resource: per team, its pages, and one by id. */
export function teamResourceKeys<Name extends string>(name: Name, perPage: number) {
  const team = (teamId: string) => [name, teamId] as const;
  const lists = (teamId: string) => [...team(teamId), 'list'] as const;
  return {
    all: [name] as const,
    team,
    lists,
    list: (teamId: string, page: number) => [...lists(teamId), { page, perPage }] as const,
    detail: (teamId: string, id: string) => [...team(teamId), 'detail', id] as const,
  };
}
