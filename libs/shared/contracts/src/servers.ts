import type { ReasonCode } from './reasons';

/** Allowlists shared by the API's validation and the SPA's forms (docs/security.md: allowlists, twice). */
export const SERVER_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** POSIX portable user names, as `useradd` accepts them by default. */
export const POSIX_USER_PATTERN = /^[a-z_][a-z0-9_-]{0,31}$/;

export interface SshKeyDto {
  id: string;
  teamId: string;
  name: string;
  type: string;
  /** Paste this into the server's ~/.ssh/authorized_keys. */
  publicKey: string;
  fingerprint: string;
  /** How many servers use the key (a key in use cannot be deleted). */
  serverCount: number;
  createdAt: string;
}

/** `POST /api/v1/ssh-keys`: without `privateKey`, Zpanel generates an ed25519 key. */
export interface CreateSshKeyRequest {
  name: string;
  privateKey?: string;
}

export type ServerStatus = 'pending' | 'validating' | 'ready' | 'unreachable' | 'invalid';

export interface ServerDto {
  id: string;
  teamId: string;
  name: string;
  host: string;
  port: number;
  user: string;
  sshKeyId: string;
  description: string;
  status: ServerStatus;
  /** Why the last validation failed, in words for a person. */
  statusReason: string | null;
  /** What `statusReason` is, as a stable code to react to (`server.host_key_changed`: trust the new key or not); null with a null reason. */
  statusReasonCode: ReasonCode | null;
  /** Recorded at first contact; every later connection must present the same key. */
  hostKeyFingerprint: string | null;
  /** From the last successful validation. */
  os: string | null;
  dockerVersion: string | null;
  diskFreeBytes: number | null;
  lastValidatedAt: string | null;
  /** Seconds between two checks (reachability and metrics), 5..3600; the instance default unless set. */
  checkIntervalSeconds: number;
  /** When the last periodic check finished (checks run while the server is ready or unreachable). */
  lastCheckedAt: string | null;
  /** Host directories applications of this server may bind-mount (below them only); set by the team's owners. Empty: none. */
  allowedBindRoots: string[];
  createdAt: string;
  updatedAt: string;
}

export interface CreateServerRequest {
  name: string;
  host: string;
  port?: number;
  user?: string;
  sshKeyId: string;
  description?: string;
  /** 5..3600; omitted: the instance default (SERVER_CHECK_INTERVAL_SECONDS, 60 unless configured). */
  checkIntervalSeconds?: number;
}

/** Every field optional; `checkIntervalSeconds: null` returns the server to the instance default. */
export type UpdateServerRequest = Partial<Omit<CreateServerRequest, 'checkIntervalSeconds'>> & { checkIntervalSeconds?: number | null };

export const CHECK_INTERVAL_LIMITS = { min: 5, max: 3600 } as const;

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerDto {
  id: string;
  /** Without Docker's leading `/`. */
  names: string[];
  image: string;
  state: ContainerState;
  /** Docker's own words (`Up 3 minutes`, `Exited (0) 2 seconds ago`); in a container's details, same as `state`. */
  status: string;
  labels: Record<string, string>;
  createdAt: string;
}

export interface ContainerDetailsDto extends ContainerDto {
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  restartCount: number;
  tty: boolean;
}

export interface ContainerLogsDto {
  stdout: string;
  stderr: string;
}

export type ContainerAction = 'start' | 'stop' | 'restart' | 'remove';
