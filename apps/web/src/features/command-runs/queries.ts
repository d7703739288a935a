import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { type CommandRunSummaryDto, isCommandRunFinished } from '@zpanel/contracts';
import { fetchCommandRun, fetchCommandRuns } from './api';

export const COMMAND_RUNS_PER_PAGE = 10;
/** While a listed run has not finished, the history is asked again this often (its status changes). */
export const HISTORY_POLL_MS = 3_000;

export const commandRunKeys = {
  all: ['command-runs'] as const,
  server: (teamId: string, serverId: string) => [...commandRunKeys.all, teamId, serverId] as const,
  lists: (teamId: string, serverId: string) => [...commandRunKeys.server(teamId, serverId), 'list'] as const,
  list: (teamId: string, serverId: string, page: number) =>
    [...commandRunKeys.lists(teamId, serverId), { page, perPage: COMMAND_RUNS_PER_PAGE }] as const,
  detail: (teamId: string, serverId: string, runId: string) => [...commandRunKeys.server(teamId, serverId), 'detail', runId] as const,
};

const unfinished = (run: Pick<CommandRunSummaryDto, 'status'>) => !isCommandRunFinished(run.status);

export const commandRunsQuery = (teamId: string, serverId: string, page: number) =>
  queryOptions({
    queryKey: commandRunKeys.list(teamId, serverId, page),
    queryFn: ({ signal }) => fetchCommandRuns(serverId, { page, perPage: COMMAND_RUNS_PER_PAGE }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some(unfinished) ? HISTORY_POLL_MS : false),
  });

export const commandRunQuery = (teamId: string, serverId: string, runId: string) =>
  queryOptions({
    queryKey: commandRunKeys.detail(teamId, serverId, runId),
    queryFn: ({ signal }) => fetchCommandRun(serverId, runId, signal),
  });

export function useCommandRuns(teamId: string, serverId: string, page: number, enabled: boolean) {
  return useQuery({ ...commandRunsQuery(teamId, serverId, page), enabled });
}

export function useCommandRun(teamId: string, serverId: string, runId: string) {
  return useQuery(commandRunQuery(teamId, serverId, runId));
}
