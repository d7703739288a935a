import type {
  CreateDatabaseRequest,
  CreateDatabaseResponse,
  DatabaseCredentialsDto,
  DatabaseDto,
  DatabaseOperationDto,
  DatabaseOperationQueuedResponse,
  DatabaseOperationWithLogDto,
  PageQuery,
  Paginated,
  UpdateDatabaseRequest,
  UpdateDatabaseResponse,
} from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';
import { DATABASES, databasePath } from '../../shared/databases/api';

/** What the worker is asked to do with a database: each answers 202 with the operation queued, 409 while another runs. */
export type DatabaseAction = 'start' | 'stop' | 'restart' | 'rotate-password';

export function fetchDatabase(id: string, signal?: AbortSignal): Promise<DatabaseDto> {
  return apiRequest<DatabaseDto>(databasePath(id), { signal });
}

/** 202: the row (status `creating`) and the operation that creates it on the server. */
export function createDatabase(body: CreateDatabaseRequest): Promise<CreateDatabaseResponse> {
  return apiRequest<CreateDatabaseResponse>(DATABASES, { method: 'POST', body });
}

/** The operation is null when nothing on the server changes (a rename). */
export function updateDatabase(id: string, body: UpdateDatabaseRequest): Promise<UpdateDatabaseResponse> {
  return apiRequest<UpdateDatabaseResponse>(databasePath(id), { method: 'PATCH', body });
}

/** 202; without `deleteData` the data volume stays on the server. */
export function deleteDatabase(id: string, deleteData: boolean): Promise<DatabaseOperationQueuedResponse> {
  return apiRequest<DatabaseOperationQueuedResponse>(databasePath(id), { method: 'DELETE', query: { deleteData } });
}

export function runDatabaseAction(id: string, action: DatabaseAction): Promise<DatabaseOperationQueuedResponse> {
  return apiRequest<DatabaseOperationQueuedResponse>(`${databasePath(id)}/${action}`, { method: 'POST' });
}

/** `read:sensitive` only: the password and the URLs holding it. */
export function fetchDatabaseCredentials(id: string, signal?: AbortSignal): Promise<DatabaseCredentialsDto> {
  return apiRequest<DatabaseCredentialsDto>(`${databasePath(id)}/credentials`, { signal });
}

/** Newest first. */
export function fetchDatabaseOperations(id: string, { page, perPage }: PageQuery, signal?: AbortSignal): Promise<Paginated<DatabaseOperationDto>> {
  return apiRequest<Paginated<DatabaseOperationDto>>(`${databasePath(id)}/operations`, { signal, query: { page, perPage } });
}

/** With its log stored so far (passwords redacted). */
export function fetchDatabaseOperation(id: string, operationId: string, signal?: AbortSignal): Promise<DatabaseOperationWithLogDto> {
  return apiRequest<DatabaseOperationWithLogDto>(`${databasePath(id)}/operations/${encodeURIComponent(operationId)}`, { signal });
}
