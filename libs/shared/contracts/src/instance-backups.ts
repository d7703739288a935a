import type { BackUpNowRequest, CreateBackupScheduleRequest, UpdateBackupScheduleRequest } from './backups';

/**
 * Backups of Zpanel's own PostgreSQL (docs/backups.md, "Instance backups"): the same pipeline,
 * destinations and verification as a database's backups, with `sourceKind: 'instance'` and no team
 * (`teamId: null` on schedules, backups and restores).
 *
 * Who may manage them: the **instance operators**, the owners of the instance's first team (the team
 * created with the owner account at setup; teams are never deleted, so it stays the oldest). An API
 * token acts for them only when it belongs to that team, holds the `admin` ability and its creator is
 * an owner. Everyone else signed in gets 403 on the collections (the System page is visible to them,
 * so the routes' existence is no secret) and 404 on a route naming one schedule or one backup's
 * download (tenancy: for them it does not exist). An instance backup holds every team's data: it is not a team's resource.
 *
 * Destinations: one of the first team's destinations (its Destinations page; S3 or a server
 * directory). Its data key, with the instance key, is what a restore onto a fresh install needs.
 *
 * Routes, all under `/api/v1`:
 */
export const INSTANCE_BACKUP_ROUTES = {
  /** GET: whether the caller may manage instance backups, and which team's destinations they use. */
  access: '/system/backups/access',
  /** GET: the instance's backups, newest first (paginated, `BackupDto[]`). POST `BackUpNowRequest`: back up now (202, `BackupDto`). */
  backups: '/system/backups',
  /** GET `BackupWithLogDto`. */
  backup: '/system/backups/{instanceBackupId}',
  /**
   * GET `BackupDownloadDto`: as a team backup's download (S3: presigned; a server directory: the signed
   * `/system/backups/{instanceBackupId}/download/file?token=…`, no bearer). 404 to anyone but an operator.
   */
  download: '/system/backups/{instanceBackupId}/download',
  /** GET `Paginated<BackupScheduleDto>` (oldest first); POST `CreateInstanceBackupScheduleRequest` (201). 403 to anyone but an operator. */
  schedules: '/system/backups/schedules',
  /** GET, PATCH `UpdateBackupScheduleRequest`; DELETE (204): the schedule only, its backups stay. 404 to anyone but an operator. */
  schedule: '/system/backups/schedules/{id}',
} as const;

/** `GET /api/v1/system/backups/access`. */
export interface InstanceBackupAccessDto {
  /** The caller is an instance operator. */
  allowed: boolean;
  /** The instance's first team, whose owners are the operators and whose destinations hold instance backups. */
  teamId: string | null;
  teamName: string | null;
  /** Why not, in words, when `allowed` is false. */
  reason: string | null;
}

/** `POST /api/v1/system/backups/schedules`: as a database's schedule, without a source (it is the instance). */
export type CreateInstanceBackupScheduleRequest = Omit<CreateBackupScheduleRequest, 'databaseId' | 'volumeId'>;
export type UpdateInstanceBackupScheduleRequest = UpdateBackupScheduleRequest;
/** `POST /api/v1/system/backups`: a destination of the first team. */
export type InstanceBackUpNowRequest = BackUpNowRequest;
