/** Projects, environments, applications and their variables. */

import type { DatabaseReference } from './databases';
import type { DeploymentStatus } from './deployments';
import type { SshKeyDto } from './servers';
import type { DeployStrategy } from './volumes';

export interface ProjectDto {
  id: string;
  teamId: string;
  name: string;
  description: string;
  environmentCount: number;
  applicationCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateProjectRequest {
  name: string;
  description?: string;
}
export type UpdateProjectRequest = Partial<CreateProjectRequest>;

/** Every project starts with this environment. */
export const DEFAULT_ENVIRONMENT = 'production';
/** Environment names: like application names (they appear in labels), lower-case slugs. */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export interface EnvironmentDto {
  id: string;
  projectId: string;
  name: string;
  applicationCount: number;
  createdAt: string;
}

export interface CreateEnvironmentRequest {
  name: string;
}

export const BUILD_PACKS = ['dockerfile', 'image'] as const;
export type BuildPack = (typeof BUILD_PACKS)[number];
export const HEALTH_CHECK_TYPES = ['tcp', 'http'] as const;
export type HealthCheckType = (typeof HEALTH_CHECK_TYPES)[number];
export const RESTART_POLICIES = ['unless-stopped', 'always', 'on-failure', 'no'] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

/** There is no "off": a TCP check on the exposed port is the default. */
export interface HealthCheckSettings {
  type: HealthCheckType;
  /** HTTP only: path requested on the container, expecting 2xx/3xx. */
  path: string | null;
  startPeriodSeconds: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
}

export interface ApplicationDto {
  id: string;
  teamId: string;
  projectId: string;
  environmentId: string;
  serverId: string;
  name: string;
  description: string;
  buildPack: BuildPack;
  /** dockerfile build pack: the repository and what to build. */
  gitUrl: string | null;
  gitBranch: string | null;
  /** SSH key of the team used as the deploy key (never returned itself). */
  deployKeyId: string | null;
  dockerfilePath: string;
  buildTarget: string | null;
  baseDirectory: string;
  /** image build pack: what to run. */
  imageReference: string | null;
  port: number;
  domains: string[];
  healthCheck: HealthCheckSettings;
  restartPolicy: RestartPolicy;
  /** CPUs (e.g. 0.5); null: no limit. */
  cpuLimit: number | null;
  memoryLimitMb: number | null;
  stopGraceSeconds: number;
  keepImages: number;
  /** `rolling` (new beside old, no downtime) or `recreate` (old stopped first: downtime). See docs/volumes.md. */
  deployStrategy: DeployStrategy;
  /** Globs (`*`, `**`, `?`, `[ab]`, `{a,b}`, `!` in front to exclude): a webhook push deploys only when a changed file matches a pattern without `!` and none with it; empty: every push. */
  watchPaths: string[];
  /** Glob over tag names (`v*`, `release/**`): a webhook tag push that matches deploys the tagged commit; null: tag pushes do not deploy. */
  deployTags: string | null;
  /**
   * `<type> SHA256:…` of the git host's key pinned at the first ssh clone (compare with what the
   * provider publishes); null: nothing pinned yet, the next ssh clone learns it.
   */
  gitHostKeyFingerprints: string[] | null;
  /** Whether an HTTPS token is stored (the token itself is write-only). */
  gitTokenSet: boolean;
  /**
   * Preview deployments: a pull/merge request opened or updated against `gitBranch` deploys to
   * `pr-<number>.<previewDomain>`; closing it removes the preview. Off by default.
   */
  previewsEnabled: boolean;
  /** The base domain of previews (a wildcard DNS record `*.<previewDomain>` points at the server); null: none set. */
  previewDomain: string | null;
  /** Deploy pull requests from forks too (decided by repository id, never by the author's association). Off by default. */
  previewForks: boolean;
  /** Set on a preview itself: the application it previews and the pull request. Its settings follow that application's. */
  previewOf: PreviewOfDto | null;
  /**
   * Why the application should be deployed again to run with what it now gets (a database it
   * references had its password rotated), and since when; null: nothing pending. A successful
   * deployment that started afterwards clears it.
   */
  pendingRedeploy: PendingRedeployDto | null;
  createdAt: string;
  updatedAt: string;
}

export interface PendingRedeployDto {
  reason: string;
  since: string;
}

/** `POST /applications/{id}/deploy-key`: the new team key, now the application's deploy key. */
export interface GeneratedDeployKeyResponse {
  application: ApplicationDto;
  /** Its `publicKey` goes into the git provider's deploy keys (read-only access is enough). */
  sshKey: SshKeyDto;
}

export interface CreateApplicationRequest {
  environmentId: string;
  serverId: string;
  name: string;
  description?: string;
  buildPack: BuildPack;
  gitUrl?: string;
  gitBranch?: string;
  deployKeyId?: string | null;
  /**
   * Token for an https:// repository (a bare token, or `user:password`): stored sealed, never returned;
   * null clears it, leaving it out keeps it.
   */
  gitToken?: string | null;
  dockerfilePath?: string;
  buildTarget?: string | null;
  baseDirectory?: string;
  imageReference?: string;
  port: number;
  domains?: string[];
  healthCheck?: Partial<HealthCheckSettings>;
  restartPolicy?: RestartPolicy;
  cpuLimit?: number | null;
  memoryLimitMb?: number | null;
  stopGraceSeconds?: number;
  keepImages?: number;
  deployStrategy?: DeployStrategy;
  watchPaths?: string[];
  deployTags?: string | null;
  previewsEnabled?: boolean;
  previewDomain?: string | null;
  previewForks?: boolean;
}

export interface PreviewOfDto {
  applicationId: string;
  number: number;
}

/** Where a pull request came from. */
export type PreviewProvider = 'github' | 'gitlab' | 'gitea';

/** `GET /api/v1/applications/{id}/previews`: one per open pull request with a preview (newest first). */
export interface PreviewDto {
  /** The preview's own application id (its deployments and logs are under it). */
  id: string;
  /** The application it previews. */
  applicationId: string;
  provider: PreviewProvider;
  /** The pull/merge request number (GitLab: its iid). */
  number: number;
  title: string;
  /** The pull request's page at the provider, when the payload gave a web URL. */
  link: string | null;
  /** The branch of the pull request (display only; the source is fetched by `ref`). */
  headBranch: string;
  /** True when the pull request comes from another repository than the application's. */
  fork: boolean;
  /** `pr-<number>.<previewDomain>`. */
  domain: string;
  /** The commit last asked for. */
  commitSha: string | null;
  /** The preview's newest deployment (null: none yet). */
  latestDeployment: PreviewDeploymentSummary | null;
  createdAt: string;
  updatedAt: string;
}

export interface PreviewDeploymentSummary {
  id: string;
  status: DeploymentStatus;
  commitSha: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** `GET /api/v1/applications` filters (besides page/perPage). */
export interface ApplicationListQuery {
  projectId?: string;
  environmentId?: string;
}

/** The environment and server cannot change (a move is a new application). */
export type UpdateApplicationRequest = Partial<Omit<CreateApplicationRequest, 'environmentId' | 'serverId'>>;

export const APPLICATION_DEFAULTS = {
  dockerfilePath: 'Dockerfile',
  baseDirectory: '.',
  restartPolicy: 'unless-stopped' as RestartPolicy,
  stopGraceSeconds: 10,
  keepImages: 3,
  deployStrategy: 'rolling' as DeployStrategy,
  healthCheck: { type: 'tcp', path: null, startPeriodSeconds: 5, intervalSeconds: 2, timeoutSeconds: 2, retries: 10 } as HealthCheckSettings,
} as const;

/** Bounds the API enforces on application settings (inclusive). */
export const APPLICATION_LIMITS = {
  port: { min: 1, max: 65535 },
  cpuLimit: { min: 0.01, max: 256 },
  memoryLimitMb: { min: 6, max: 1_048_576 },
  stopGraceSeconds: { min: 0, max: 3600 },
  keepImages: { min: 1, max: 50 },
  domains: { max: 20 },
  watchPaths: { max: 50 },
  /** Images kept per preview (previews are short-lived; rollback there is rarely wanted). */
  previewKeepImages: 1,
  /** Open previews per application: more pull requests than this wait until one closes (each preview is a running container). */
  previews: { max: 25 },
  healthCheck: {
    startPeriodSeconds: { min: 0, max: 600 },
    intervalSeconds: { min: 1, max: 300 },
    timeoutSeconds: { min: 1, max: 120 },
    retries: { min: 1, max: 100 },
  },
} as const;

/** An HTTP health-check path: absolute, no spaces, quotes or shell characters. */
export const HEALTH_CHECK_PATH_PATTERN = /^\/[A-Za-z0-9._~/%?=&+:@-]{0,255}$/;

/**
 * Where a variable is defined: shared by the environment's applications, the application's own
 * (wins over shared), or the application's preview overrides (win over both, in previews only).
 */
export type EnvVarScope = 'environment' | 'application' | 'preview';

export interface EnvVarDto {
  id: string;
  scope: EnvVarScope;
  key: string;
  /** Null unless the caller has `read:sensitive`; `masked` says so. */
  value: string | null;
  masked: boolean;
  buildTime: boolean;
  runtime: boolean;
  /**
   * The databases the value references (`${{ main-db.DATABASE_URL }}`), each once, in order; shown
   * with or without `read:sensitive` (names only). The value itself keeps the `${{ }}` text: it is
   * resolved at each deployment, never stored resolved.
   */
  references: DatabaseReference[];
  updatedAt: string;
}

/** `PUT .../env/{key}`: the key is in the path. */
export interface UpsertEnvVarRequest {
  value: string;
  buildTime?: boolean;
  runtime?: boolean;
}

/** Replace a scope's variables with a `.env` text: keys absent from it are deleted. */
export interface BulkEnvRequest {
  dotenv: string;
  /** Applied to every variable of the text. */
  buildTime?: boolean;
  runtime?: boolean;
}

/** Values can hold anything (quotes, $, newlines) and reach the container byte-exact. */
export const ENV_VALUE_MAX_BYTES = 64 * 1024;
/** Variables per application or per environment. */
export const ENV_VARS_MAX_PER_SCOPE = 500;
/** Longest `.env` text accepted by a bulk edit (characters). */
export const DOTENV_MAX_LENGTH = 512 * 1024;
