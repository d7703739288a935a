import type { ReasonCode } from './reasons';

/**
 * The database engines Zpanel runs as one-click databases, and the facts about each that the API, the
 * worker and the SPA share (docs/databases.md). Only the official images' contract is relied on, so a
 * user-chosen image of the same engine behaves the same.
 */
export const DATABASE_ENGINES = ['postgresql', 'mysql', 'mariadb', 'redis'] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];

/**
 * The engines a user can create. MySQL is in the catalogue (its builders, URLs and tag rules are there
 * and run against an image honouring the `MYSQL_*` contract) but is not offered: Zpanel offers only
 * engines its tests run for real, and no MySQL server can run in the test environment (Debian ships
 * MariaDB only and no registry is reachable). Offering it is this list once one can.
 */
export const OFFERED_DATABASE_ENGINES = ['postgresql', 'mariadb', 'redis'] as const satisfies readonly DatabaseEngine[];
export type OfferedDatabaseEngine = (typeof OFFERED_DATABASE_ENGINES)[number];

/** The engines with SQL databases and users (Redis has neither: one password, database index 0). */
export type SqlDatabaseEngine = Exclude<DatabaseEngine, 'redis'>;

export function isDatabaseEngine(value: unknown): value is DatabaseEngine {
  return typeof value === 'string' && (DATABASE_ENGINES as readonly string[]).includes(value);
}

/** The image a new database runs unless the user picks another reference or tag. */
export const DATABASE_DEFAULT_IMAGES: Readonly<Record<DatabaseEngine, string>> = {
  postgresql: 'postgres:17',
  mysql: 'mysql:8',
  mariadb: 'mariadb:11',
  redis: 'redis:7',
};

/** The port each engine listens on inside its container (and on the server's Zpanel network). */
export const DATABASE_INTERNAL_PORTS: Readonly<Record<DatabaseEngine, number>> = {
  postgresql: 5432,
  mysql: 3306,
  mariadb: 3306,
  redis: 6379,
};

/** What an application's variable may reference on a database of its environment: `${{ main-db.DATABASE_URL }}`. */
export const DATABASE_REFERENCE_VARIABLES = ['DATABASE_URL', 'HOST', 'PORT', 'USER', 'PASSWORD', 'NAME'] as const;
export type DatabaseReferenceVariable = (typeof DATABASE_REFERENCE_VARIABLES)[number];

/** One `${{ <database>.<VARIABLE> }}` of a variable's value: the database's name in the environment and what of it. */
export interface DatabaseReference {
  database: string;
  variable: DatabaseReferenceVariable;
}

/**
 * Database and user names inside an engine: lower-case letters, digits and `_`, not starting with a
 * digit, so a name is the same unquoted or quoted in every engine and never needs escaping.
 */
export const DATABASE_IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]*$/;

/** Longest database and user names, in bytes (the pattern is ASCII, so characters): PostgreSQL's NAMEDATALEN - 1, MySQL's identifier and account limits. */
export const DATABASE_IDENTIFIER_LIMITS: Readonly<Record<SqlDatabaseEngine, { databaseName: number; userName: number }>> = {
  postgresql: { databaseName: 63, userName: 63 },
  mysql: { databaseName: 64, userName: 32 },
  mariadb: { databaseName: 64, userName: 32 },
};

/**
 * Names an engine keeps for itself (system databases, the superuser, role keywords), refused for both
 * databases and users in every engine so a name never depends on which engine it was first used with.
 * PostgreSQL also reserves role names starting with `pg_`.
 */
export const DATABASE_RESERVED_NAMES: readonly string[] = [
  'postgres',
  'template0',
  'template1',
  'public',
  'none',
  'current_user',
  'current_role',
  'session_user',
  'mysql',
  'information_schema',
  'performance_schema',
  'sys',
  'root',
];

/** What a Redis database answers to for USER and NAME: the default ACL user and database index 0. */
export const REDIS_USER_NAME = 'default';
export const REDIS_DATABASE_NAME = '0';

/** `POST` body for a new database (credentials are always generated, never sent). */
export interface CreateDatabaseRequest {
  environmentId: string;
  serverId: string;
  /** The resource's name: a slug like an application's, used in references (`${{ main-db.HOST }}`) and the internal host name. */
  name: string;
  engine: DatabaseEngine;
  /** Image reference; the engine's default image when absent. */
  image?: string;
  /** SQL engines only (refused for Redis); derived from `name` when absent (`main-db` → `main_db`). */
  databaseName?: string;
  userName?: string;
  /** Publish the engine on this port of the server's public interfaces; absent or null: the Zpanel network only. */
  publicPort?: number | null;
  memoryLimitMb?: number | null;
  cpuLimit?: number | null;
}

/**
 * `PATCH /api/v1/databases/{id}`: only what is sent changes. A new image, limits or public port
 * recreate the container on the same volume (an `apply` operation); a rename changes only the row
 * (the container's name comes from the id). Credentials change only through `rotate-password`.
 */
export interface UpdateDatabaseRequest {
  name?: string;
  /** Same repository, a version tag within the major version (`imageTagChangeProblem`). */
  image?: string;
  /** null: stop publishing. */
  publicPort?: number | null;
  memoryLimitMb?: number | null;
  cpuLimit?: number | null;
}

/** `POST /api/v1/databases` (202): the database, `creating`, and its queued `create` operation. */
export interface CreateDatabaseResponse {
  database: DatabaseDto;
  operation: DatabaseOperationDto;
}

/** `PATCH /api/v1/databases/{id}`: the operation is the queued `apply` when the change recreates the container, else null. */
export interface UpdateDatabaseResponse {
  database: DatabaseDto;
  operation: DatabaseOperationDto | null;
}

/** `DELETE /api/v1/databases/{id}` and `POST …/{start,stop,restart,rotate-password}` (202). */
export interface DatabaseOperationQueuedResponse {
  operation: DatabaseOperationDto;
}

/**
 * `GET /api/v1/databases/{id}/stats`: the container's usage from the server's latest check (the checks
 * sample every container). All null when no check of the last 10 minutes saw the container.
 */
export interface DatabaseStatsDto {
  sampledAt: string | null;
  /** Of the whole machine, 0..100 (as the server's own figures). */
  cpuPercent: number | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
}

/** `GET /api/v1/databases` (team from the x-zpanel-team header): filters besides page/perPage. */
export interface DatabaseListQuery {
  environmentId?: string;
}

/** Bounds the API checks (the table's CHECKs hold the same). Limits are those of applications. */
export const DATABASE_LIMITS = {
  publicPort: { min: 1, max: 65535 },
  cpuLimit: { min: 0.01, max: 256 },
  memoryLimitMb: { min: 6, max: 1_048_576 },
} as const;

/**
 * `GET /api/v1/databases/{id}/credentials` (needs `read:sensitive`, audited): what an application or a
 * person connects with. Redis answers `default` and `0` for the user and database names.
 */
export interface DatabaseCredentialsDto {
  userName: string;
  password: string;
  databaseName: string;
  /** On the server's Zpanel network (what applications of the environment use). */
  internalUrl: string;
  /** Through the server's address and the public port; null while the database publishes none. */
  publicUrl: string | null;
}

/**
 * Where a database is in its life: `creating` until the engine first accepts connections, `unhealthy`
 * while its container runs but the readiness probe fails, `deleting` from the delete request until the
 * row is gone. `failed` keeps the reason (`statusReason`, `statusReasonCode`) of the step that failed.
 */
export const DATABASE_STATUSES = ['creating', 'running', 'stopped', 'unhealthy', 'failed', 'deleting'] as const;
export type DatabaseStatus = (typeof DATABASE_STATUSES)[number];

/** A database as the API returns it; the password is never part of it (revealed on its own to `read:sensitive`). */
export interface DatabaseDto {
  id: string;
  teamId: string;
  environmentId: string;
  serverId: string;
  /** The resource's name in its environment, what references use (`${{ main-db.HOST }}`). */
  name: string;
  engine: DatabaseEngine;
  image: string;
  /** SQL engines: the database and user the application connects as; null for Redis (database index 0, user `default`). */
  databaseName: string | null;
  userName: string | null;
  /** The internal host name on the server's Zpanel network and the engine's port there. */
  internalHost: string;
  internalPort: number;
  /** The port published on the server's public interfaces; null: not reachable from outside. */
  publicPort: number | null;
  memoryLimitMb: number | null;
  cpuLimit: number | null;
  status: DatabaseStatus;
  /** Why the database is unhealthy or failed, in words for a person. */
  statusReason: string | null;
  statusReasonCode: ReasonCode | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * What a database operation does on the server (docs/databases.md, "Operations"). `apply` recreates the
 * container from the row's current image, limits and public port on the same data volume (after a tag,
 * limit or public port change); `delete` removes the container, the volume only with `deleteData`, then
 * the row.
 */
export const DATABASE_OPERATION_KINDS = ['create', 'start', 'stop', 'restart', 'apply', 'rotate-password', 'delete'] as const;
export type DatabaseOperationKind = (typeof DATABASE_OPERATION_KINDS)[number];

export const DATABASE_OPERATION_STATUSES = ['queued', 'running', 'success', 'failed'] as const;
export type DatabaseOperationStatus = (typeof DATABASE_OPERATION_STATUSES)[number];
/** Statuses an operation never leaves. */
export const FINISHED_DATABASE_OPERATION_STATUSES: readonly DatabaseOperationStatus[] = ['success', 'failed'];

/** Stored log of one operation, capped; past it the marker is appended and the rest dropped (the live topic carries the same). */
export const DATABASE_OPERATION_LOG_CAP_BYTES = 256 * 1024;
export const DATABASE_OPERATION_LOG_TRUNCATED_MARKER = '[log truncated]';

/**
 * One operation on a database: queued by the API, run by the worker under the run lease (one at a
 * time per database: the API answers 409 while another is queued or running).
 */
export interface DatabaseOperationDto {
  id: string;
  databaseId: string;
  kind: DatabaseOperationKind;
  status: DatabaseOperationStatus;
  /** Why it failed, in words for a person; null otherwise. */
  reason: string | null;
  reasonCode: ReasonCode | null;
  /** `delete` only: whether the data volume goes too. */
  deleteData?: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** One operation with its log so far (passwords redacted); follow the `database-operation` live kind for lines as they come. */
export interface DatabaseOperationWithLogDto extends DatabaseOperationDto {
  log: string;
}
