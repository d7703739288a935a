import type { DatabaseEngine } from './databases';
import type { ReasonCode } from './reasons';

/**
 * Backups (docs/backups.md): team-scoped destinations, schedules per database or application volume,
 * backup runs (dump -> compress -> encrypt -> upload -> verify the stored object), restores (into the
 * same database, a new one, or a throwaway container to verify a backup), and the instance's own
 * PostgreSQL. Shared by the API, the worker and the SPA.
 */

/** `s3`: any S3-compatible storage (AWS, MinIO, B2, R2...). `server`: a directory on one of the team's servers, under a root its owners allowed. */
export const BACKUP_DESTINATION_KINDS = ['s3', 'server'] as const;
export type BackupDestinationKind = (typeof BACKUP_DESTINATION_KINDS)[number];

/** What a backup is of: a database, an application's named volume, or the instance's own PostgreSQL (System, not a team's). */
export const BACKUP_SOURCE_KINDS = ['database', 'volume', 'instance'] as const;
export type BackupSourceKind = (typeof BACKUP_SOURCE_KINDS)[number];

/**
 * How a backup run was started. `safety`: taken by a restore into the same database before it
 * overwrites it. `upload`: a dump file a person uploaded to restore from, stored (encrypted) in a
 * destination like any backup, so the restore reads it from there (docs/backups.md, "Routes").
 */
export const BACKUP_TRIGGERS = ['schedule', 'manual', 'safety', 'upload'] as const;
export type BackupTrigger = (typeof BACKUP_TRIGGERS)[number];

/**
 * A backup run's life. `succeeded` only once the stored object's size and checksum were checked after
 * the upload; anything else is `failed` with a reason. `pruned`: it succeeded, and retention (or a
 * user) removed its object since; the row stays for the history.
 */
export const BACKUP_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'pruned'] as const;
export type BackupStatus = (typeof BACKUP_STATUSES)[number];
export const FINISHED_BACKUP_STATUSES: readonly BackupStatus[] = ['succeeded', 'failed', 'cancelled', 'pruned'];

/**
 * Whether a backup was proven by restoring it into a throwaway container of the same engine and
 * version: `verified` (restored cleanly, the same tables and row counts, or keys for Redis, or files
 * for a volume), `mismatch` (restored, but what it holds differs from what the dump recorded),
 * `failed` (the restore itself failed: a corrupted object, a wrong key), `pending` while one runs.
 */
export const BACKUP_VERIFICATION_STATUSES = ['none', 'pending', 'verified', 'mismatch', 'failed'] as const;
export type BackupVerificationStatus = (typeof BACKUP_VERIFICATION_STATUSES)[number];

export const BACKUP_COMPRESSIONS = ['zstd', 'gzip'] as const;
export type BackupCompression = (typeof BACKUP_COMPRESSIONS)[number];

/** Where a restore goes: over the same database (after a safety backup), into a new database, or a throwaway container that only verifies. */
export const RESTORE_TARGETS = ['same', 'new', 'verify'] as const;
export type RestoreTarget = (typeof RESTORE_TARGETS)[number];

export const RESTORE_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RestoreStatus = (typeof RESTORE_STATUSES)[number];
export const FINISHED_RESTORE_STATUSES: readonly RestoreStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Bounds the API checks (the tables' CHECKs hold the same). */
export const BACKUP_LIMITS = {
  /** Backups kept per schedule (count retention). */
  retentionCount: { min: 1, max: 1_000 },
  /** Days a backup is kept (age retention). */
  retentionDays: { min: 1, max: 3_650 },
  /** A run fails with `backup.timed_out` after this many minutes. */
  timeoutMinutes: { min: 1, max: 24 * 60 },
  /** Schedules per team. */
  schedulesPerTeam: 200,
  /** Destinations per team. */
  destinationsPerTeam: 50,
  /** An uploaded dump to restore from, in bytes (also BACKUP_UPLOAD_MAX_BYTES). */
  uploadBytes: 10 * 1024 * 1024 * 1024,
  /** A destination's prefix. */
  prefixLength: 200,
} as const;

/**
 * A bucket name as S3 allows it (3-63 characters, lower-case letters, digits, `.` and `-`, starting
 * and ending with a letter or digit); the API also refuses `..`, `.-`, `-.` and IP-address forms.
 */
export const S3_BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** A destination's prefix: path segments of letters, digits, `.`, `_`, `-`, joined by `/`, no `..`, no leading or trailing `/`. */
export const BACKUP_PREFIX_PATTERN = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*)(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** `POST /api/v1/backup-destinations`: saving an S3 one writes, reads and deletes a small object first (400 with the storage's words when that fails). */
export type CreateBackupDestinationRequest =
  | {
      kind: 's3';
      name: string;
      /** `https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:9000`; passes the instance's outbound address policy. */
      endpoint: string;
      region: string;
      bucket: string;
      prefix?: string;
      /** Path-style addressing (`endpoint/bucket/key`), what MinIO and most self-hosted servers want. */
      forcePathStyle?: boolean;
      accessKeyId: string;
      secretAccessKey: string;
    }
  | {
      kind: 'server';
      name: string;
      serverId: string;
      /** An absolute directory under one of the server's allowed roots (docs/volumes.md); created when missing. */
      path: string;
    };

/** `PATCH /api/v1/backup-destinations/{id}`: only what is sent changes; an S3 change is checked again before it is saved. */
export interface UpdateBackupDestinationRequest {
  name?: string;
  endpoint?: string;
  region?: string;
  bucket?: string;
  prefix?: string;
  forcePathStyle?: boolean;
  accessKeyId?: string;
  /** Absent: the stored secret is kept. */
  secretAccessKey?: string;
  path?: string;
}

/** A destination as the API returns it: never the secret key nor the data key. */
export interface BackupDestinationDto {
  id: string;
  teamId: string;
  name: string;
  kind: BackupDestinationKind;
  /** S3 only (null for `server`). */
  endpoint: string | null;
  region: string | null;
  bucket: string | null;
  prefix: string | null;
  forcePathStyle: boolean | null;
  accessKeyId: string | null;
  /** `server` only. */
  serverId: string | null;
  path: string | null;
  /** Fingerprint of the destination's data key (not the key), printed in each backup's header too. */
  keyId: string;
  /** Backups stored there now (succeeded, not pruned). */
  backupCount: number;
  createdAt: string;
  updatedAt: string;
}

/** `POST /api/v1/backup-destinations/{id}/check`: the write-read-delete probe again, answered in the storage's words. */
export interface BackupDestinationCheckDto {
  ok: boolean;
  /** The storage's words when `ok` is false. */
  error: string | null;
  checkedAt: string;
  latencyMs: number;
}

/**
 * `GET /api/v1/backup-destinations/{id}/key` (needs `read:sensitive`, audited): the data key that
 * decrypts this destination's backups without Zpanel (docs/backups.md, "Decrypting without Zpanel").
 */
export interface BackupDestinationKeyDto {
  keyId: string;
  /** 32 bytes, base64. */
  key: string;
}

/** `POST /api/v1/backup-schedules`: exactly one of databaseId, volumeId. */
export interface CreateBackupScheduleRequest {
  databaseId?: string;
  /** An application's named volume (`VolumeDto.id`). */
  volumeId?: string;
  destinationId: string;
  /** Five fields (minute hour day month weekday), as cron; `@daily` and the like too. */
  cron: string;
  /** IANA time zone the expression is read in; default `UTC`. */
  timezone?: string;
  /** Keep at most this many succeeded backups of the schedule (null: no count limit). */
  retentionCount?: number | null;
  /** Remove backups older than this (null: no age limit). At least one of the two is required. */
  retentionDays?: number | null;
  /** Restore each new backup into a throwaway container to verify it (default true). */
  verifyAfterBackup?: boolean;
  /** Default 60. */
  timeoutMinutes?: number;
  enabled?: boolean;
}

export type UpdateBackupScheduleRequest = Partial<Omit<CreateBackupScheduleRequest, 'databaseId' | 'volumeId'>>;

export interface BackupScheduleDto {
  id: string;
  teamId: string | null;
  sourceKind: BackupSourceKind;
  databaseId: string | null;
  volumeId: string | null;
  destinationId: string;
  cron: string;
  timezone: string;
  /** The expression in words ("At 03:00 every day"). */
  description: string;
  retentionCount: number | null;
  retentionDays: number | null;
  verifyAfterBackup: boolean;
  timeoutMinutes: number;
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  /** Set while the schedule has not produced a verified backup by its last slot plus the grace period. */
  missedSince: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the dump recorded about its source, and what a verification compares the restored copy with. */
export interface BackupInventory {
  /** SQL engines: each table with its exact row count at dump time (`schema.table` for PostgreSQL; `table` for MySQL / MariaDB, whose schema is the database). */
  tables?: Array<{ name: string; rows: number }>;
  /** Redis: keys in database 0. */
  keys?: number;
  /** Volumes: files and total bytes of regular files, counted in the dump's tar itself (what was stored). */
  files?: number;
  bytes?: number;
  /**
   * Volumes: SHA-256 (hex) of the sorted listing of every entry's type, mode, owner and path (a
   * link's target too) and every regular file's SHA-256: equal exactly when the content is.
   */
  digest?: string;
}

export interface BackupDto {
  id: string;
  teamId: string | null;
  scheduleId: string | null;
  sourceKind: BackupSourceKind;
  databaseId: string | null;
  volumeId: string | null;
  /** Null once the destination was deleted (a destination holding backups cannot be; their history outlives it). */
  destinationId: string | null;
  trigger: BackupTrigger;
  status: BackupStatus;
  reason: string | null;
  reasonCode: ReasonCode | null;
  /** The engine and image the dump was taken from (a verification restores into the same). */
  engine: DatabaseEngine | null;
  image: string | null;
  /** Bytes of the stored (compressed, encrypted) object. */
  sizeBytes: number | null;
  /** Bytes the dump tool wrote, before compression. */
  dumpBytes: number | null;
  /** SHA-256 (hex) of the stored object, computed while streaming and checked after the upload. */
  sha256: string | null;
  compression: BackupCompression | null;
  /** The object's key in an S3 destination, or its path on a server destination. */
  location: string | null;
  inventory: BackupInventory | null;
  verification: BackupVerificationStatus;
  verifiedAt: string | null;
  /** What the verification compared, or why it failed, in words. */
  verificationDetail: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface BackupWithLogDto extends BackupDto {
  log: string;
}

/** `POST /api/v1/databases/{id}/backups` and `POST /api/v1/volumes/{id}/backups`: back up now. */
export interface BackUpNowRequest {
  destinationId: string;
  /** Restore it into a throwaway container afterwards (default true). */
  verify?: boolean;
}

/** `POST /api/v1/backups/{id}/restores`. */
export interface CreateRestoreRequest {
  target: RestoreTarget;
  /** `same`: the database's name typed again, to confirm overwriting it. */
  confirmName?: string;
  /** `new`: the new database's resource name (created in the source's environment and server). */
  newDatabaseName?: string;
}

export interface RestoreDto {
  id: string;
  teamId: string | null;
  /** Null when restoring from an uploaded file. */
  backupId: string | null;
  target: RestoreTarget;
  /** The database restored into (`same`, `new`); null for `verify` and volumes. */
  databaseId: string | null;
  volumeId: string | null;
  /** `same`: the safety backup taken first. */
  safetyBackupId: string | null;
  status: RestoreStatus;
  reason: string | null;
  reasonCode: ReasonCode | null;
  /** What was checked after the restore (tables and row counts, keys, files). */
  result: BackupInventory | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RestoreWithLogDto extends RestoreDto {
  log: string;
}

/** `GET /api/v1/backups` filters besides page/perPage. */
export interface BackupListQuery {
  databaseId?: string;
  volumeId?: string;
  scheduleId?: string;
  destinationId?: string;
  status?: BackupStatus;
}

/** `GET /api/v1/backups/{id}/download`: a short-lived URL (presigned for S3; a signed, tenancy-checked API URL for a server destination). */
export interface BackupDownloadDto {
  url: string;
  expiresAt: string;
  /** The object is encrypted: docs/backups.md says how to decrypt it with the destination's key. */
  fileName: string;
}

/** Live events on a backup's or restore's topic. */
export type BackupRunLiveEvent =
  { type: 'lines'; lines: string[] } | { type: 'status'; status: BackupStatus | RestoreStatus; reason: string | null; reasonCode: ReasonCode | null };
