import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  type BackupScheduleDto,
  type BackupWithLogDto,
  type RestoreWithLogDto,
  type BackupDto,
  type BackupStatus,
  FINISHED_BACKUP_STATUSES,
  FINISHED_RESTORE_STATUSES,
  type RestoreStatus,
} from '@zpanel/contracts';
import {
  type BackupSource,
  fetchBackup,
  fetchInstanceBackupAccess,
  fetchBackups,
  fetchDestinations,
  fetchRestore,
  fetchSchedules,
  sourceKey,
} from './api';

export const BACKUPS_PER_PAGE = 10;
/** A source's schedules fit on one page of the API's maximum. */
export const ALL_PER_PAGE = 100;
/** While a run is queued or running (or being verified), its list and its log are asked again this often. */
export const BACKUPS_POLL_MS = 3_000;
/** The longest wait before schedules are asked again while none is due (also below setTimeout's 24.8-day limit). */
export const SCHEDULES_IDLE_POLL_MS = 600_000;

export const backupKeys = {
  all: ['backups'] as const,
  team: (teamId: string) => [...backupKeys.all, teamId] as const,
  destinations: (teamId: string) => [...backupKeys.team(teamId), 'destinations'] as const,
  source: (teamId: string, source: BackupSource) => [...backupKeys.team(teamId), 'source', sourceKey(source)] as const,
  schedules: (teamId: string, source: BackupSource) => [...backupKeys.source(teamId, source), 'schedules'] as const,
  histories: (teamId: string, source: BackupSource) => [...backupKeys.source(teamId, source), 'history'] as const,
  history: (teamId: string, source: BackupSource, page: number) => [...backupKeys.histories(teamId, source), page] as const,
  backup: (teamId: string, id: string) => [...backupKeys.team(teamId), 'backup', id] as const,
  restore: (teamId: string, id: string) => [...backupKeys.team(teamId), 'restore', id] as const,
};

export const isBackupActive = (status: BackupStatus) => !FINISHED_BACKUP_STATUSES.includes(status);
export const isRestoreActive = (status: RestoreStatus) => !FINISHED_RESTORE_STATUSES.includes(status);

/** Still changing by itself: running, or its verification running. */
export const isSettling = (backup: Pick<BackupDto, 'status' | 'verification'>) => isBackupActive(backup.status) || backup.verification === 'pending';

export function useDestinations(teamId: string) {
  return useQuery({ queryKey: backupKeys.destinations(teamId), queryFn: ({ signal }) => fetchDestinations(signal) });
}

export function useInstanceBackupAccess() {
  return useQuery({ queryKey: [...backupKeys.all, 'instance-access'], queryFn: ({ signal }) => fetchInstanceBackupAccess(signal) });
}

/**
 * When to ask for the schedules again: just after the earliest enabled schedule's slot, then every
 * BACKUPS_POLL_MS while it stays due (the worker fires it within a tick, which moves `nextRunAt` on
 * and sets `lastRunAt`). False without an enabled schedule.
 */
export function schedulesRefetchInterval(schedules: readonly BackupScheduleDto[], now = Date.now()): number | false {
  const slots = schedules.filter((s) => s.enabled && s.nextRunAt !== null).map((s) => Date.parse(s.nextRunAt as string));
  if (slots.length === 0) return false;
  const untilDue = Math.min(...slots) - now;
  return Math.min(SCHEDULES_IDLE_POLL_MS, Math.max(BACKUPS_POLL_MS, untilDue + 1_000));
}

/** What changes when a schedule fires: each schedule's last slot. */
export const firedSlots = (schedules: readonly BackupScheduleDto[]) => schedules.map((s) => `${s.id}@${s.lastRunAt ?? ''}`).join(',');

export function useSchedules(teamId: string, source: BackupSource) {
  return useQuery({
    queryKey: backupKeys.schedules(teamId, source),
    queryFn: ({ signal }) => fetchSchedules(source, ALL_PER_PAGE, signal),
    refetchInterval: (query) => (query.state.data ? schedulesRefetchInterval(query.state.data.items) : false),
  });
}

export function useBackups(teamId: string, source: BackupSource, page: number) {
  return useQuery({
    queryKey: backupKeys.history(teamId, source, page),
    queryFn: ({ signal }) => fetchBackups(source, page, BACKUPS_PER_PAGE, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some(isSettling) ? BACKUPS_POLL_MS : false),
  });
}

/** One run with its log; polled while it runs unless the live topic carries it (`poll` false). */
export function useBackup(teamId: string, source: BackupSource, id: string, poll: boolean) {
  return useQuery({
    queryKey: backupKeys.backup(teamId, id),
    queryFn: ({ signal }) => fetchBackup(source, id, signal),
    refetchInterval: (query) => (poll && query.state.data && isBackupActive(query.state.data.status) ? BACKUPS_POLL_MS : false),
  });
}

export function useRestore(teamId: string, id: string, poll: boolean) {
  return useQuery({
    queryKey: backupKeys.restore(teamId, id),
    queryFn: ({ signal }) => fetchRestore(id, signal),
    refetchInterval: (query) => (poll && query.state.data && isRestoreActive(query.state.data.status) ? BACKUPS_POLL_MS : false),
  });
}

/** A backup run or a restore, as the panel shows its log. */
export type RunRef = { kind: 'backup' | 'restore'; id: string };

export const runKey = (teamId: string, run: RunRef) =>
  run.kind === 'backup' ? backupKeys.backup(teamId, run.id) : backupKeys.restore(teamId, run.id);

export const isRunActive = (run: RunRef, status: string) =>
  run.kind === 'backup' ? isBackupActive(status as BackupStatus) : isRestoreActive(status as RestoreStatus);

/** Either one with its log; polled while it runs unless the live topic carries it (`poll` false). */
export function useRun(teamId: string, source: BackupSource, run: RunRef, poll: boolean) {
  return useQuery<BackupWithLogDto | RestoreWithLogDto>({
    queryKey: runKey(teamId, run),
    queryFn: ({ signal }) => (run.kind === 'backup' ? fetchBackup(source, run.id, signal) : fetchRestore(run.id, signal)),
    refetchInterval: (query) => (poll && query.state.data && isRunActive(run, query.state.data.status) ? BACKUPS_POLL_MS : false),
  });
}
