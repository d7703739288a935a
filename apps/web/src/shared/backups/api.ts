import type {
  BackUpNowRequest,
  BackupDestinationDto,
  BackupDownloadDto,
  BackupDto,
  BackupScheduleDto,
  BackupWithLogDto,
  CreateBackupScheduleRequest,
  CreateRestoreRequest,
  InstanceBackupAccessDto,
  Paginated,
  RestoreDto,
  RestoreWithLogDto,
  UpdateBackupScheduleRequest,
} from '@zpanel/contracts';
import { ApiError, apiRequest, refreshSession } from '../../lib/api-client';
import { useSessionStore } from '../../lib/session-store';
import { PROBLEM_CONTENT_TYPE, TEAM_HEADER, errorCodeForStatus, type ProblemDetails } from '@zpanel/contracts';

/**
 * What is backed up: a database, an application's named volume, or the instance's own PostgreSQL
 * (System). Decides which routes list and create its schedules and backups.
 */
export type BackupSource = { kind: 'database'; id: string; name: string } | { kind: 'volume'; id: string; name: string } | { kind: 'instance' };

export const DESTINATIONS = '/api/v1/backup-destinations';
const SCHEDULES = '/api/v1/backup-schedules';
const BACKUPS = '/api/v1/backups';
const RESTORES = '/api/v1/restores';
/** The instance's own PostgreSQL has its schedules and backups under System (not a team's). */
const INSTANCE_SCHEDULES = '/api/v1/system/backups/schedules';
const INSTANCE_BACKUPS = '/api/v1/system/backups';

const at = (base: string, id: string) => `${base}/${encodeURIComponent(id)}`;

/** The list filter naming the source (none for the instance: its routes are its own). */
export function sourceFilter(source: BackupSource): { databaseId?: string; volumeId?: string } {
  if (source.kind === 'database') return { databaseId: source.id };
  if (source.kind === 'volume') return { volumeId: source.id };
  return {};
}

/** A stable string for query keys. */
export const sourceKey = (source: BackupSource) => (source.kind === 'instance' ? 'instance' : `${source.kind}:${source.id}`);

const schedulesBase = (source: BackupSource) => (source.kind === 'instance' ? INSTANCE_SCHEDULES : SCHEDULES);
const backupsBase = (source: BackupSource) => (source.kind === 'instance' ? INSTANCE_BACKUPS : BACKUPS);

/** A plain list as the API answers it (at most 50 a team), read as a page like the other lists. */
export async function fetchDestinations(signal?: AbortSignal): Promise<Paginated<BackupDestinationDto>> {
  return asPage(await apiRequest<Paginated<BackupDestinationDto> | BackupDestinationDto[]>(DESTINATIONS, { signal }));
}

function asPage<T>(answer: Paginated<T> | T[]): Paginated<T> {
  return Array.isArray(answer) ? { items: answer, page: 1, perPage: Math.max(1, answer.length), total: answer.length } : answer;
}

/** A source's schedules, read as a page. */
export async function fetchSchedules(source: BackupSource, perPage: number, signal?: AbortSignal): Promise<Paginated<BackupScheduleDto>> {
  const answer = await apiRequest<Paginated<BackupScheduleDto> | BackupScheduleDto[]>(schedulesBase(source), {
    signal,
    query: { ...sourceFilter(source), page: 1, perPage },
  });
  return asPage(answer);
}

/** Whether the caller may manage instance backups, and whose destinations they use. */
export function fetchInstanceBackupAccess(signal?: AbortSignal): Promise<InstanceBackupAccessDto> {
  return apiRequest<InstanceBackupAccessDto>(`${INSTANCE_BACKUPS}/access`, { signal });
}

export type ScheduleFields = Omit<CreateBackupScheduleRequest, 'databaseId' | 'volumeId'>;

export function createSchedule(source: BackupSource, body: ScheduleFields): Promise<BackupScheduleDto> {
  return apiRequest<BackupScheduleDto>(schedulesBase(source), { method: 'POST', body: { ...sourceFilter(source), ...body } });
}

export function updateSchedule(source: BackupSource, id: string, body: UpdateBackupScheduleRequest): Promise<BackupScheduleDto> {
  return apiRequest<BackupScheduleDto>(at(schedulesBase(source), id), { method: 'PATCH', body });
}

export function deleteSchedule(source: BackupSource, id: string): Promise<void> {
  return apiRequest<void>(at(schedulesBase(source), id), { method: 'DELETE' });
}

export function fetchBackups(source: BackupSource, page: number, perPage: number, signal?: AbortSignal): Promise<Paginated<BackupDto>> {
  return apiRequest<Paginated<BackupDto>>(backupsBase(source), { signal, query: { ...sourceFilter(source), page, perPage } });
}

/** 202: the backup is queued; its log follows on its live topic. */
export function backUpNow(source: BackupSource, body: BackUpNowRequest): Promise<BackupDto> {
  const path =
    source.kind === 'instance'
      ? INSTANCE_BACKUPS
      : `/api/v1/${source.kind === 'database' ? 'databases' : 'volumes'}/${encodeURIComponent(source.id)}/backups`;
  return apiRequest<BackupDto>(path, { method: 'POST', body });
}

export function fetchBackup(source: BackupSource, id: string, signal?: AbortSignal): Promise<BackupWithLogDto> {
  return apiRequest<BackupWithLogDto>(at(backupsBase(source), id), { signal });
}

export function cancelBackup(source: BackupSource, id: string): Promise<BackupDto> {
  return apiRequest<BackupDto>(`${at(backupsBase(source), id)}/cancel`, { method: 'POST' });
}

/** Restores it into a throwaway container of the same engine and version (a restore with target `verify`). */
export function verifyBackup(source: BackupSource, id: string): Promise<RestoreDto> {
  return apiRequest<RestoreDto>(`${at(backupsBase(source), id)}/verify`, { method: 'POST' });
}

export function deleteBackup(source: BackupSource, id: string): Promise<void> {
  return apiRequest<void>(at(backupsBase(source), id), { method: 'DELETE' });
}

export function downloadBackup(source: BackupSource, id: string): Promise<BackupDownloadDto> {
  return apiRequest<BackupDownloadDto>(`${at(backupsBase(source), id)}/download`);
}

export function createRestore(source: BackupSource, backupId: string, body: CreateRestoreRequest): Promise<RestoreDto> {
  return apiRequest<RestoreDto>(`${at(backupsBase(source), backupId)}/restores`, { method: 'POST', body });
}

export function fetchRestore(id: string, signal?: AbortSignal): Promise<RestoreWithLogDto> {
  return apiRequest<RestoreWithLogDto>(at(RESTORES, id), { signal });
}

/** Where a restore goes and what it needs typed (`POST /backups/{id}/restores`'s body, the upload's query). */
export type RestoreTargetRequest = { target: 'same'; confirmName: string } | { target: 'new'; newDatabaseName: string };

/**
 * Streams a dump file to the API to restore it into the database. Through XMLHttpRequest, since
 * fetch reports no upload progress; the same session and team headers as `apiRequest`, and one
 * retry with a renewed token when the API refused the one sent.
 */
export async function uploadRestore(
  databaseId: string,
  query: { destinationId: string } & RestoreTargetRequest,
  file: File,
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<RestoreDto> {
  const url = `/api/v1/databases/${encodeURIComponent(databaseId)}/restores/upload?${new URLSearchParams(query).toString()}`;
  const sentToken = useSessionStore.getState().accessToken;
  let answer = await sendFile(url, file, sentToken, onProgress, signal);
  if (answer.status === 401 && (await refreshSession())) {
    answer = await sendFile(url, file, useSessionStore.getState().accessToken, onProgress, signal);
  }
  if (answer.status >= 200 && answer.status < 300 && !answer.problem) return JSON.parse(answer.text) as RestoreDto;
  throw new ApiError(readProblem(answer));
}

interface UploadAnswer {
  status: number;
  statusText: string;
  text: string;
  problem: boolean;
}

function sendFile(
  url: string,
  file: File,
  accessToken: string | undefined,
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.withCredentials = true;
    request.setRequestHeader('Accept', `application/json, ${PROBLEM_CONTENT_TYPE}`);
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    if (accessToken) request.setRequestHeader('Authorization', `Bearer ${accessToken}`);
    const { teamId } = useSessionStore.getState();
    if (teamId) request.setRequestHeader(TEAM_HEADER, teamId);
    request.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    request.onload = () =>
      resolve({
        status: request.status,
        statusText: request.statusText,
        text: request.responseText,
        problem: (request.getResponseHeader('Content-Type') ?? '').startsWith(PROBLEM_CONTENT_TYPE),
      });
    request.onerror = () => reject(new Error('The upload did not reach the API'));
    request.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => request.abort());
    request.send(file);
  });
}

function readProblem(answer: UploadAnswer): ProblemDetails {
  const fallback: ProblemDetails = {
    type: 'about:blank',
    title: answer.statusText || `HTTP ${answer.status}`,
    status: answer.status,
    code: errorCodeForStatus(answer.status),
    traceId: '',
  };
  if (!answer.problem) return fallback;
  try {
    return { ...fallback, ...(JSON.parse(answer.text) as Partial<ProblemDetails>) };
  } catch {
    return fallback;
  }
}
