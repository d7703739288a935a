/**
 * Storage of applications (docs/volumes.md): named Docker volumes, bind mounts of host paths under
 * the roots a server's owners allowed, and small files written into the container; the deploy
 * strategy that decides whether old and new containers overlap on them.
 */

/**
 * `rolling` (default): the new container starts beside the old one, which is stopped once the new
 * one is healthy (no downtime; both mount the same volumes for a moment). `recreate`: the old
 * containers are stopped first, then the new one starts (downtime until it is healthy).
 */
export const DEPLOY_STRATEGIES = ['rolling', 'recreate'] as const;
export type DeployStrategy = (typeof DEPLOY_STRATEGIES)[number];

/** A named volume's name: as application names (it is part of the Docker volume's name). */
export const VOLUME_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/**
 * A path in a container or on a server: absolute, normalized (no `//`, `.` or `..` segment, no
 * trailing `/`), each segment letters, digits, `.`, `_`, `-`, `@`, `+`. Checked further by
 * `mountPathProblem` / `hostPathProblem` (libs/server/core).
 */
export const MOUNT_PATH_PATTERN = /^(?:\/[A-Za-z0-9._@+-]+)+$/;
/** At most this many bytes (a file mount's path goes into a tar header, which holds 100). */
export const MOUNT_PATH_MAX_LENGTH = 100;

export const VOLUME_LIMITS = {
  /** Named volumes, bind mounts and files together, per application. */
  mountsPerApplication: 20,
  /** Allowed bind roots per server. */
  bindRootsPerServer: 20,
  /** Bytes of a file mount's content. */
  fileContentBytes: 64 * 1024,
} as const;

/** Container paths never mounted over: the kernel's and Docker's own. */
export const RESERVED_CONTAINER_PATHS = ['/proc', '/sys', '/dev'] as const;

/**
 * Host paths never bind-mounted nor allowed as a root, nor any path inside one or containing one:
 * the system's configuration and kernel interfaces, the Docker socket (`/run`, `/var/run`) and
 * data, and Zpanel's own data. `/` contains them all, so it is refused too.
 */
export const DENIED_HOST_PATHS = [
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/root',
  '/run',
  '/var/run',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/zpanel',
] as const;

export type MountKind = 'volume' | 'bind' | 'file';

/** `GET /applications/{id}/volumes`: one named volume. */
export interface VolumeDto {
  id: string;
  applicationId: string;
  name: string;
  mountPath: string;
  /** The Docker volume on the server (created at the first deployment that mounts it). */
  dockerName: string;
  createdAt: string;
}

export interface CreateVolumeRequest {
  name: string;
  mountPath: string;
}

/** `GET /applications/{id}/volumes/usage`: what the server's Docker says about the application's volumes. */
export interface VolumeUsageDto {
  name: string;
  dockerName: string;
  /** False until a deployment has created it. */
  exists: boolean;
  /** Bytes used, as `docker system df -v` counts them; null when Docker does not say (not created, or another driver). */
  sizeBytes: number | null;
}

/** A bind mount or a file of an application. */
export interface MountDto {
  id: string;
  applicationId: string;
  kind: 'bind' | 'file';
  mountPath: string;
  /** bind: the host path (under one of the server's allowed roots); null for a file. */
  hostPath: string | null;
  /** bind: whether the container may only read it; a file is always read-only. */
  readOnly: boolean;
  /** file: sealed at rest and never returned. */
  secret: boolean;
  /** file: its text, unless secret (then null). Null for a bind mount. */
  content: string | null;
  updatedAt: string;
}

export type CreateMountRequest =
  { kind: 'bind'; mountPath: string; hostPath: string; readOnly?: boolean } | { kind: 'file'; mountPath: string; content: string; secret?: boolean };

/** Only what is sent changes; a kind cannot change. */
export interface UpdateMountRequest {
  mountPath?: string;
  hostPath?: string;
  readOnly?: boolean;
  content?: string;
  secret?: boolean;
}

/** `PUT /servers/{id}/allowed-bind-roots` (team owners, signed in). */
export interface AllowedBindRootsRequest {
  allowedBindRoots: string[];
}

/** A volume of this team on the server whose application no longer mounts it (deleted, or the volume removed from it). */
export interface OrphanedVolumeDto {
  dockerName: string;
  /** The application it was made for (it may no longer exist). */
  applicationId: string;
  /** The volume's name in that application. */
  name: string;
  sizeBytes: number | null;
  createdAt: string | null;
}
