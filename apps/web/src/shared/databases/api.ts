import type { DatabaseDto, DatabaseStatsDto, PageQuery, Paginated } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

export const DATABASES = '/api/v1/databases';

export const databasePath = (id: string) => `${DATABASES}/${encodeURIComponent(id)}`;

/** The databases of one environment, by name. */
export function fetchDatabases(environmentId: string, { page, perPage }: PageQuery, signal?: AbortSignal): Promise<Paginated<DatabaseDto>> {
  return apiRequest<Paginated<DatabaseDto>>(DATABASES, { signal, query: { environmentId, page, perPage } });
}

/** The container's CPU and memory now, as Docker reports them. */
export function fetchDatabaseStats(id: string, signal?: AbortSignal): Promise<DatabaseStatsDto> {
  return apiRequest<DatabaseStatsDto>(`${databasePath(id)}/stats`, { signal });
}
