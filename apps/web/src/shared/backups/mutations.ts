import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { BackUpNowRequest, CreateRestoreRequest, UpdateBackupScheduleRequest } from '@zpanel/contracts';
import {
  type BackupSource,
  type RestoreTargetRequest,
  type ScheduleFields,
  backUpNow,
  cancelBackup,
  createRestore,
  createSchedule,
  deleteBackup,
  deleteSchedule,
  downloadBackup,
  updateSchedule,
  uploadRestore,
  verifyBackup,
} from './api';
import { backupKeys } from './queries';

/**
 * Whatever it changed, the source's schedules and history are asked again (also after a 409: someone
 * else changed them). A change waits for them, so its dialog closes onto the new list; a run started
 * does not, so its log opens at once.
 */
function useSourceMutation<V, R>(teamId: string, source: BackupSource, mutationFn: (variables: V) => Promise<R>, startsRun = false) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => {
      const refreshed = queryClient.invalidateQueries({ queryKey: backupKeys.source(teamId, source) });
      return startsRun ? undefined : refreshed;
    },
  });
}

export const useCreateSchedule = (teamId: string, source: BackupSource) =>
  useSourceMutation(teamId, source, (body: ScheduleFields) => createSchedule(source, body));

export const useUpdateSchedule = (teamId: string, source: BackupSource) =>
  useSourceMutation(teamId, source, ({ id, body }: { id: string; body: UpdateBackupScheduleRequest }) => updateSchedule(source, id, body));

export const useDeleteSchedule = (teamId: string, source: BackupSource) =>
  useSourceMutation(teamId, source, (id: string) => deleteSchedule(source, id));

export const useBackUpNow = (teamId: string, source: BackupSource) =>
  useSourceMutation(teamId, source, (body: BackUpNowRequest) => backUpNow(source, body), true);

export const useCancelBackup = (teamId: string, source: BackupSource) =>
  useSourceMutation(teamId, source, (id: string) => cancelBackup(source, id), true);

export const useVerifyBackup = (teamId: string, source: BackupSource) =>
  useSourceMutation(teamId, source, (id: string) => verifyBackup(source, id), true);

export const useDeleteBackup = (teamId: string, source: BackupSource) => useSourceMutation(teamId, source, (id: string) => deleteBackup(source, id));

export const useCreateRestore = (teamId: string, source: BackupSource) =>
  useSourceMutation(
    teamId,
    source,
    ({ backupId, body }: { backupId: string; body: CreateRestoreRequest }) => createRestore(source, backupId, body),
    true,
  );

/** The URL is short-lived: asked for at each click, never cached. */
export function useDownloadBackup(source: BackupSource) {
  return useMutation({ mutationFn: (id: string) => downloadBackup(source, id) });
}

/** Starts a restore like the others: its log opens as soon as the API answered. */
export function useUploadRestore(teamId: string, source: BackupSource) {
  return useSourceMutation(
    teamId,
    source,
    ({
      databaseId,
      file,
      onProgress,
      ...query
    }: {
      databaseId: string;
      destinationId: string;
      file: File;
      onProgress: (sent: number, total: number) => void;
    } & RestoreTargetRequest) => uploadRestore(databaseId, query, file, onProgress),
    true,
  );
}
