import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import {
  APPLICATION_DEFAULTS,
  APPLICATION_LIMITS,
  type ApplicationDto,
  type ApplicationListQuery,
  BUILD_PACKS,
  type BuildPack,
  type CreateApplicationRequest,
  type GeneratedDeployKeyResponse,
  HEALTH_CHECK_PATH_PATTERN,
  HEALTH_CHECK_TYPES,
  type HealthCheckSettings,
  type HealthCheckType,
  type PreviewDeploymentSummary,
  type PreviewDto,
  type PreviewOfDto,
  type PendingRedeployDto,
  type PreviewProvider,
  DEPLOYMENT_STATUSES,
  type DeploymentStatus,
  RESTART_POLICIES,
  type RestartPolicy,
  type UpdateApplicationRequest,
  DEPLOY_STRATEGIES,
  type DeployStrategy,
} from '@zpanel/contracts';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../http/pagination';
import { SshKeyDoc } from '../servers/servers.dto';
import { IsBoundedInt, IsCpuLimit, IsDisplayText } from '../http/validation';
import { IfPresent, IsApplicationField, IsWatchPaths } from './field-validation';

const WATCH_PATHS_DOC =
  'Globs: * within a folder, ** across folders, ? one character, [ab] / [a-z] / [!ab] one of (or none of) a set, {a,b} either alternative; a leading ! excludes. A webhook push deploys only when a changed file matches a pattern without ! and none with ! (empty list: every push). Caps (GLOB_LIMITS in @zpanel/core): 255 characters per glob, {a,b} expanding to at most 32 patterns per glob and 256 in all; a push with more than 5000 changed files, a path longer than 1024 characters, or too costly a comparison deploys without the check.';

const DEPLOY_STRATEGY_DOC =
  'rolling: the new container starts beside the old one, which stops once the new one is healthy (no downtime; both mount the same volumes meanwhile). recreate: the old containers stop first, then the new one starts (downtime until it is healthy; for applications whose data must not be opened twice). See docs/volumes.md';

const { healthCheck: hc } = APPLICATION_LIMITS;
const lowerCaseAll = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)) : value;

export class HealthCheckDoc implements HealthCheckSettings {
  @ApiProperty({ enum: HEALTH_CHECK_TYPES, example: 'http' }) type: HealthCheckType;
  @ApiPropertyOptional({ nullable: true, example: '/healthz', description: 'HTTP checks only (null for TCP)' }) path: string | null;
  @ApiProperty({ example: APPLICATION_DEFAULTS.healthCheck.startPeriodSeconds }) startPeriodSeconds: number;
  @ApiProperty({ example: APPLICATION_DEFAULTS.healthCheck.intervalSeconds }) intervalSeconds: number;
  @ApiProperty({ example: APPLICATION_DEFAULTS.healthCheck.timeoutSeconds }) timeoutSeconds: number;
  @ApiProperty({ example: APPLICATION_DEFAULTS.healthCheck.retries }) retries: number;
}

export class ApplicationDoc implements ApplicationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ format: 'uuid' }) environmentId: string;
  @ApiProperty({ format: 'uuid' }) serverId: string;
  @ApiProperty({ example: 'shop-web' }) name: string;
  @ApiProperty({ example: 'Storefront' }) description: string;
  @ApiProperty({ enum: BUILD_PACKS, example: 'dockerfile' }) buildPack: BuildPack;
  @ApiPropertyOptional({ nullable: true, example: 'https://github.com/acme/shop.git' }) gitUrl: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'main' }) gitBranch: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: "One of the team's SSH keys, used to clone" }) deployKeyId: string | null;
  @ApiProperty({ example: 'Dockerfile' }) dockerfilePath: string;
  @ApiPropertyOptional({ nullable: true, example: 'runtime' }) buildTarget: string | null;
  @ApiProperty({ example: '.' }) baseDirectory: string;
  @ApiPropertyOptional({ nullable: true, example: 'ghcr.io/acme/shop:1.4.2' }) imageReference: string | null;
  @ApiProperty({ example: 3000 }) port: number;
  @ApiProperty({ type: [String], example: ['shop.example.com'] }) domains: string[];
  @ApiProperty({ type: HealthCheckDoc }) healthCheck: HealthCheckDoc;
  @ApiProperty({ enum: RESTART_POLICIES, example: APPLICATION_DEFAULTS.restartPolicy }) restartPolicy: RestartPolicy;
  @ApiPropertyOptional({ nullable: true, example: 0.5 }) cpuLimit: number | null;
  @ApiPropertyOptional({ nullable: true, example: 512 }) memoryLimitMb: number | null;
  @ApiProperty({ example: APPLICATION_DEFAULTS.stopGraceSeconds }) stopGraceSeconds: number;
  @ApiProperty({ example: APPLICATION_DEFAULTS.keepImages }) keepImages: number;
  @ApiProperty({ enum: DEPLOY_STRATEGIES, example: APPLICATION_DEFAULTS.deployStrategy, description: DEPLOY_STRATEGY_DOC })
  deployStrategy: DeployStrategy;
  @ApiProperty({ type: [String], example: ['apps/api/**', 'libs/**'], description: WATCH_PATHS_DOC })
  watchPaths: string[];
  @ApiPropertyOptional({
    nullable: true,
    example: 'v*',
    description:
      'Glob over tag names (* and ? within a /-separated part, ** across, [0-9] a set, {v,release-} alternatives; no !): a webhook tag push that matches deploys the tagged commit; null: tag pushes do not deploy',
  })
  deployTags: string | null;
  @ApiProperty({
    type: [String],
    nullable: true,
    example: ['ssh-ed25519 SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU'],
    description: "The git host's key pinned at the first ssh clone; null: the next ssh clone learns it",
  })
  gitHostKeyFingerprints: string[] | null;
  @ApiProperty({ example: false, description: 'Whether an HTTPS token is stored (it is never returned)' }) gitTokenSet: boolean;
  @ApiProperty({ example: false, description: 'Pull/merge requests against gitBranch deploy previews at pr-<number>.<previewDomain>' })
  previewsEnabled: boolean;
  @ApiPropertyOptional({
    nullable: true,
    example: 'preview.shop.example.com',
    description: 'Base domain of previews (point a wildcard DNS record *.<previewDomain> at the server)',
  })
  previewDomain: string | null;
  @ApiProperty({ example: false, description: 'Also deploy pull requests from forks (by repository id)' }) previewForks: boolean;
  @ApiPropertyOptional({
    nullable: true,
    type: () => PreviewOfDoc,
    example: null,
    description:
      'Set on a preview (e.g. { "applicationId": "…", "number": 42 }): the application it previews and the pull request; its settings follow that application',
  })
  previewOf: PreviewOfDoc | null;
  @ApiPropertyOptional({
    nullable: true,
    type: () => PendingRedeployDoc,
    example: null,
    description:
      'Set when the application should be deployed again to run with what it now gets (e.g. { "reason": "The password of main-db was rotated", "since": "…" }); a successful deployment that started afterwards clears it',
  })
  pendingRedeploy: PendingRedeployDoc | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class PendingRedeployDoc implements PendingRedeployDto {
  @ApiProperty({ example: 'The password of main-db was rotated' }) reason: string;
  @ApiProperty({ format: 'date-time' }) since: string;
}

export class PreviewOfDoc implements PreviewOfDto {
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty({ example: 42 }) number: number;
}

class PreviewDeploymentSummaryDoc implements PreviewDeploymentSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: DEPLOYMENT_STATUSES, example: 'success' }) status: DeploymentStatus;
  @ApiPropertyOptional({ nullable: true, example: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39' }) commitSha: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) finishedAt: string | null;
}

export class PreviewDoc implements PreviewDto {
  @ApiProperty({ format: 'uuid', description: "The preview's own application id: its deployments and logs are under it" }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The application it previews' }) applicationId: string;
  @ApiProperty({ enum: ['github', 'gitlab', 'gitea'], example: 'github' }) provider: PreviewProvider;
  @ApiProperty({ example: 42, description: 'Pull request number (GitLab: merge request iid)' }) number: number;
  @ApiProperty({ example: 'Add the checkout page' }) title: string;
  @ApiPropertyOptional({ nullable: true, example: 'https://github.com/acme/shop/pull/42' }) link: string | null;
  @ApiProperty({ example: 'feature/checkout' }) headBranch: string;
  @ApiProperty({ example: false }) fork: boolean;
  @ApiProperty({ example: 'pr-42.preview.shop.example.com' }) domain: string;
  @ApiPropertyOptional({ nullable: true, example: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39' }) commitSha: string | null;
  @ApiPropertyOptional({ nullable: true, type: PreviewDeploymentSummaryDoc }) latestDeployment: PreviewDeploymentSummaryDoc | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class PreviewPageDoc {
  @ApiProperty({ type: [PreviewDoc] }) items: PreviewDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class GeneratedDeployKeyDoc implements GeneratedDeployKeyResponse {
  @ApiProperty({ type: ApplicationDoc, description: 'The application, its deployKeyId now the new key' }) application: ApplicationDoc;
  @ApiProperty({ type: SshKeyDoc, description: "The new team key; paste its publicKey into the provider's deploy keys" }) sshKey: SshKeyDoc;
}

export class ApplicationPageDoc {
  @ApiProperty({ type: [ApplicationDoc] }) items: ApplicationDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class ApplicationListQueryDto extends PageQueryDto implements ApplicationListQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('4', { message: 'projectId must be a UUID' })
  projectId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('4', { message: 'environmentId must be a UUID' })
  environmentId?: string;
}

/** Fields left out keep their current value (or the default on creation); the type needs no repeating. */
export class HealthCheckDto implements Partial<HealthCheckSettings> {
  @ApiPropertyOptional({ enum: HEALTH_CHECK_TYPES, example: 'http', default: APPLICATION_DEFAULTS.healthCheck.type })
  @IfPresent()
  @IsIn(HEALTH_CHECK_TYPES, { message: `healthCheck.type must be one of ${HEALTH_CHECK_TYPES.join(', ')}` })
  type?: HealthCheckType;

  @ApiPropertyOptional({
    nullable: true,
    example: '/healthz',
    pattern: HEALTH_CHECK_PATH_PATTERN.source,
    description: 'Required for http checks; ignored (null) for tcp',
  })
  @IsOptional()
  @Matches(HEALTH_CHECK_PATH_PATTERN, { message: 'healthCheck.path must start with / and use only letters, digits and . _ ~ / % ? = & + : @ -' })
  path?: string | null;

  @ApiPropertyOptional({
    example: 30,
    minimum: hc.startPeriodSeconds.min,
    maximum: hc.startPeriodSeconds.max,
    default: APPLICATION_DEFAULTS.healthCheck.startPeriodSeconds,
  })
  @IfPresent()
  @IsBoundedInt('healthCheck.startPeriodSeconds', hc.startPeriodSeconds)
  startPeriodSeconds?: number;

  @ApiPropertyOptional({
    example: 5,
    minimum: hc.intervalSeconds.min,
    maximum: hc.intervalSeconds.max,
    default: APPLICATION_DEFAULTS.healthCheck.intervalSeconds,
  })
  @IfPresent()
  @IsBoundedInt('healthCheck.intervalSeconds', hc.intervalSeconds)
  intervalSeconds?: number;

  @ApiPropertyOptional({
    example: 3,
    minimum: hc.timeoutSeconds.min,
    maximum: hc.timeoutSeconds.max,
    default: APPLICATION_DEFAULTS.healthCheck.timeoutSeconds,
  })
  @IfPresent()
  @IsBoundedInt('healthCheck.timeoutSeconds', hc.timeoutSeconds)
  timeoutSeconds?: number;

  @ApiPropertyOptional({ example: 5, minimum: hc.retries.min, maximum: hc.retries.max, default: APPLICATION_DEFAULTS.healthCheck.retries })
  @IfPresent()
  @IsBoundedInt('healthCheck.retries', hc.retries)
  retries?: number;
}

export class CreateApplicationDto implements CreateApplicationRequest {
  @ApiProperty({ format: 'uuid', description: "One of the team's environments; the application belongs to its project" })
  @IsUUID('4', { message: 'environmentId must be the id of one of the team’s environments' })
  environmentId: string;

  @ApiProperty({ format: 'uuid', description: "One of the team's servers, where the application runs" })
  @IsUUID('4', { message: 'serverId must be the id of one of the team’s servers' })
  serverId: string;

  @ApiProperty({ example: 'shop-web', description: 'Container name and network alias (zp-<name>): unique on its server' })
  @IsApplicationField('name')
  name: string;

  @ApiPropertyOptional({ example: 'Storefront', maxLength: 500 })
  @IfPresent()
  @IsString({ message: 'description must be text' })
  @MaxLength(500, { message: 'description must be at most 500 characters' })
  @IsDisplayText({ multiline: true })
  description?: string;

  @ApiProperty({ enum: BUILD_PACKS, example: 'dockerfile', description: 'dockerfile: build gitUrl at gitBranch; image: run imageReference' })
  @IsIn(BUILD_PACKS, { message: `buildPack must be one of ${BUILD_PACKS.join(', ')}` })
  buildPack: BuildPack;

  @ApiPropertyOptional({
    example: 'https://github.com/acme/shop.git',
    description: 'https://, http://, ssh:// or user@host:path, without credentials (dockerfile)',
  })
  @IfPresent()
  @IsApplicationField('gitUrl')
  gitUrl?: string;

  @ApiPropertyOptional({ example: 'main', description: 'Branch to build (dockerfile)' })
  @IfPresent()
  @IsApplicationField('gitBranch')
  gitBranch?: string;

  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: "One of the team's SSH keys, to clone private repositories" })
  @IsOptional()
  @IsUUID('4', { message: 'deployKeyId must be the id of one of the team’s SSH keys' })
  deployKeyId?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    writeOnly: true,
    example: 'glpat-xxxxxxxxxxxxxxxxxxxx',
    description: 'Token for an https:// repository (a bare token, or user:password); stored sealed, never returned; null clears it',
  })
  @IsOptional()
  @IsString({ message: 'gitToken must be text' })
  @MaxLength(1000, { message: 'gitToken must be at most 1000 characters' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'gitToken must be printable ASCII without spaces' })
  gitToken?: string | null;

  @ApiPropertyOptional({ example: 'Dockerfile', default: APPLICATION_DEFAULTS.dockerfilePath, description: 'Relative to the base directory' })
  @IfPresent()
  @IsApplicationField('dockerfilePath')
  dockerfilePath?: string;

  @ApiPropertyOptional({ nullable: true, example: 'runtime', description: 'Stage of a multi-stage Dockerfile' })
  @IsOptional()
  @IsApplicationField('buildTarget')
  buildTarget?: string | null;

  @ApiPropertyOptional({ example: '.', default: APPLICATION_DEFAULTS.baseDirectory, description: 'Build context inside the repository' })
  @IfPresent()
  @IsApplicationField('baseDirectory')
  baseDirectory?: string;

  @ApiPropertyOptional({ example: 'ghcr.io/acme/shop:1.4.2', description: 'Image to run (image)' })
  @IfPresent()
  @IsApplicationField('imageReference')
  imageReference?: string;

  @ApiProperty({
    example: 3000,
    minimum: APPLICATION_LIMITS.port.min,
    maximum: APPLICATION_LIMITS.port.max,
    description: 'Port the container listens on',
  })
  @IsBoundedInt('port', APPLICATION_LIMITS.port)
  port: number;

  @ApiPropertyOptional({
    type: [String],
    example: ['shop.example.com', 'www.shop.example.com'],
    maxItems: APPLICATION_LIMITS.domains.max,
    description:
      "Lower-cased; each unique on the whole instance. A domain another team holds, or one under another team's previewDomain, is a 409 naming the field (not whose it is). On update the list replaces the current one.",
  })
  @IfPresent()
  @Transform(lowerCaseAll)
  @IsArray({ message: 'domains must be a list of domain names' })
  @ArrayMaxSize(APPLICATION_LIMITS.domains.max, { message: `domains may list at most ${APPLICATION_LIMITS.domains.max} names` })
  @ArrayUnique({ message: 'domains must not list a name twice' })
  @IsApplicationField('domain', { each: true })
  domains?: string[];

  @ApiPropertyOptional({
    type: HealthCheckDto,
    example: { type: 'http', path: '/healthz', retries: 5 },
    description: 'Defaults to a TCP check on the port (there is no "off")',
  })
  @IfPresent()
  @IsObject({ message: 'healthCheck must be an object' })
  @ValidateNested()
  @Type(() => HealthCheckDto)
  healthCheck?: HealthCheckDto;

  @ApiPropertyOptional({ enum: RESTART_POLICIES, example: 'always', default: APPLICATION_DEFAULTS.restartPolicy })
  @IfPresent()
  @IsIn(RESTART_POLICIES, { message: `restartPolicy must be one of ${RESTART_POLICIES.join(', ')}` })
  restartPolicy?: RestartPolicy;

  @ApiPropertyOptional({
    nullable: true,
    example: 0.5,
    minimum: APPLICATION_LIMITS.cpuLimit.min,
    maximum: APPLICATION_LIMITS.cpuLimit.max,
    description: 'CPUs; null: no limit',
  })
  @IsOptional()
  @IsCpuLimit(APPLICATION_LIMITS.cpuLimit)
  cpuLimit?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    example: 512,
    minimum: APPLICATION_LIMITS.memoryLimitMb.min,
    maximum: APPLICATION_LIMITS.memoryLimitMb.max,
    description: 'MiB; null: no limit',
  })
  @IsOptional()
  @IsBoundedInt('memoryLimitMb', APPLICATION_LIMITS.memoryLimitMb)
  memoryLimitMb?: number | null;

  @ApiPropertyOptional({
    example: 30,
    minimum: APPLICATION_LIMITS.stopGraceSeconds.min,
    maximum: APPLICATION_LIMITS.stopGraceSeconds.max,
    default: APPLICATION_DEFAULTS.stopGraceSeconds,
  })
  @IfPresent()
  @IsBoundedInt('stopGraceSeconds', APPLICATION_LIMITS.stopGraceSeconds)
  stopGraceSeconds?: number;

  @ApiPropertyOptional({
    example: 5,
    minimum: APPLICATION_LIMITS.keepImages.min,
    maximum: APPLICATION_LIMITS.keepImages.max,
    default: APPLICATION_DEFAULTS.keepImages,
    description: 'Previous images kept for rollback',
  })
  @IfPresent()
  @IsBoundedInt('keepImages', APPLICATION_LIMITS.keepImages)
  keepImages?: number;

  @ApiPropertyOptional({
    enum: DEPLOY_STRATEGIES,
    example: 'recreate',
    default: APPLICATION_DEFAULTS.deployStrategy,
    description: DEPLOY_STRATEGY_DOC,
  })
  @IfPresent()
  @IsIn(DEPLOY_STRATEGIES, { message: `deployStrategy must be one of ${DEPLOY_STRATEGIES.join(', ')}` })
  deployStrategy?: DeployStrategy;

  @ApiPropertyOptional({
    type: [String],
    example: ['apps/api/**', 'libs/**'],
    maxItems: APPLICATION_LIMITS.watchPaths.max,
    description: WATCH_PATHS_DOC,
  })
  @IfPresent()
  @IsArray({ message: 'watchPaths must be a list of path globs' })
  @ArrayMaxSize(APPLICATION_LIMITS.watchPaths.max, { message: `watchPaths may list at most ${APPLICATION_LIMITS.watchPaths.max} globs` })
  @ArrayUnique({ message: 'watchPaths must not list a glob twice' })
  @IsWatchPaths()
  watchPaths?: string[];

  @ApiPropertyOptional({
    nullable: true,
    example: 'v*',
    description:
      'Glob over tag names (* and ? within a /-separated part, ** across, [0-9] a set, {v,release-} alternatives; no !; at most 100 characters): a webhook tag push that matches deploys the tagged commit; null: tag pushes do not deploy',
  })
  @IsOptional()
  @IsApplicationField('tagPattern')
  deployTags?: string | null;

  @ApiPropertyOptional({
    example: true,
    default: false,
    description: 'Deploy a preview of each pull/merge request against gitBranch (needs previewDomain; dockerfile build pack)',
  })
  @IfPresent()
  @IsBoolean({ message: 'previewsEnabled must be true or false' })
  previewsEnabled?: boolean;

  @ApiPropertyOptional({
    nullable: true,
    example: 'preview.shop.example.com',
    description:
      "Previews are served at pr-<number>.<previewDomain> (point *.<previewDomain> at the server). It claims every name under it for the team: equal to, over or under another team's domains or preview domain is a 409 naming the field (not whose they are)",
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsApplicationField('previewDomain')
  previewDomain?: string | null;

  @ApiPropertyOptional({
    example: false,
    default: false,
    description: 'Also deploy pull requests from forks: their code then runs on your server with the preview variables',
  })
  @IfPresent()
  @IsBoolean({ message: 'previewForks must be true or false' })
  previewForks?: boolean;
}

/** Every field optional; only what is sent changes. The environment and server cannot change. */
export class UpdateApplicationDto
  extends PartialType(OmitType(CreateApplicationDto, ['environmentId', 'serverId'] as const), { skipNullProperties: false })
  implements UpdateApplicationRequest {}

export class DeleteApplicationQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description:
      "Also remove the application's named volumes on its server (their data is lost). Default: they are kept, listed as orphaned under GET /servers/{serverId}/volumes/orphaned, to be removed later",
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'deleteVolumes must be true or false' })
  deleteVolumes?: 'true' | 'false';
}
