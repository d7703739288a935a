import type { CommandRunDto, CommandRunSummaryDto, CreateCommandRunRequest, PageQuery, Paginated } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

const commandsPath = (serverId: string) => `/api/v1/servers/${encodeURIComponent(serverId)}/commands`;
const runPath = (serverId: string, runId: string) => `${commandsPath(serverId)}/${encodeURIComponent(runId)}`;

/** Newest first, without output. Owners and admins only (output may hold secrets). */
export function fetchCommandRuns(serverId: string, { page, perPage }: PageQuery, signal?: AbortSignal): Promise<Paginated<CommandRunSummaryDto>> {
  return apiRequest<Paginated<CommandRunSummaryDto>>(commandsPath(serverId), { signal, query: { page, perPage } });
}

/** With the output stored so far (saved every 10 s while it runs, and at the end). */
export function fetchCommandRun(serverId: string, runId: string, signal?: AbortSignal): Promise<CommandRunDto> {
  return apiRequest<CommandRunDto>(runPath(serverId, runId), { signal });
}

/** 202: the run, queued; its output arrives on the `command-run` live topic. */
export function runCommand(serverId: string, body: CreateCommandRunRequest): Promise<CommandRunDto> {
  return apiRequest<CommandRunDto>(commandsPath(serverId), { method: 'POST', body });
}

/** 202; 409 when the run already finished. */
export function cancelCommandRun(serverId: string, runId: string): Promise<CommandRunDto> {
  return apiRequest<CommandRunDto>(`${runPath(serverId, runId)}/cancel`, { method: 'POST' });
}
