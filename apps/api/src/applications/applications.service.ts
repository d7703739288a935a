import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  APPLICATION_DEFAULTS,
  type ApplicationDto,
  type ApplicationListQuery,
  AuditAction,
  type CreateApplicationRequest,
  ErrorCode,
  type FieldError,
  type GeneratedDeployKeyResponse,
  type HealthCheckSettings,
  type PageQuery,
  type Paginated,
  type UpdateApplicationRequest,
} from '@zpanel/contracts';
import {
  AddressPolicy,
  type AppConfig,
  AppException,
  InjectConfig,
  InjectLogger,
  SecretBox,
  generateSshKeyPair,
  gitUrlHost,
  knownHostsFingerprints,
  previewDomainOf,
} from '@zpanel/core';
import {
  ApplicationDomainsRepository,
  type ApplicationEntity,
  ApplicationsRepository,
  DatabasesRepository,
  EnvironmentsRepository,
  ServersRepository,
  type NewApplication,
  SshKeysRepository,
  type TeamScope,
  gitTokenAad,
  sshKeyAad,
  NotificationPlacesRepository,
  type PreviewRemovalCause,
  previewRemovedEvent,
} from '@zpanel/database';
import { JobProducer, enqueueApplicationCleanup, enqueueProxySync } from '@zpanel/queue';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { NotificationRecorder } from '../notifications/notification-recorder.service';
import type { Caller } from '../access/caller';
import { pageWindow, paginated } from '../http/pagination';
import { PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION, violatedConstraint } from './pg-errors';

const MESSAGES = {
  environmentId: 'environmentId must be the id of one of the team’s environments',
  serverId: 'serverId must be the id of one of the team’s servers',
  deployKeyId: 'deployKeyId must be the id of one of the team’s SSH keys',
} as const;

function toDto(a: ApplicationEntity, domains: string[], gitTokenSet: boolean): ApplicationDto {
  return {
    id: a.id,
    teamId: a.teamId,
    projectId: a.projectId,
    environmentId: a.environmentId,
    serverId: a.serverId,
    name: a.name,
    description: a.description,
    buildPack: a.buildPack,
    gitUrl: a.gitUrl,
    gitBranch: a.gitBranch,
    deployKeyId: a.deployKeyId,
    dockerfilePath: a.dockerfilePath,
    buildTarget: a.buildTarget,
    baseDirectory: a.baseDirectory,
    imageReference: a.imageReference,
    port: a.port,
    domains,
    healthCheck: a.healthCheck,
    restartPolicy: a.restartPolicy,
    cpuLimit: a.cpuLimit === null ? null : Number(a.cpuLimit),
    memoryLimitMb: a.memoryLimitMb,
    stopGraceSeconds: a.stopGraceSeconds,
    keepImages: a.keepImages,
    deployStrategy: a.deployStrategy,
    watchPaths: a.watchPaths,
    deployTags: a.deployTags,
    gitHostKeyFingerprints: a.gitHostKey === null ? null : knownHostsFingerprints(a.gitHostKey),
    gitTokenSet,
    previewsEnabled: a.previewsEnabled,
    previewDomain: a.previewDomain,
    previewForks: a.previewForks,
    previewOf: a.previewOfId && a.previewNumber ? { applicationId: a.previewOfId, number: a.previewNumber } : null,
    pendingRedeploy:
      a.redeployReason !== null && a.redeployRequestedAt !== null ? { reason: a.redeployReason, since: a.redeployRequestedAt.toISOString() } : null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** `host[:port]` an ssh or http(s) git URL reaches (lower case); null for none. */
export function gitHostOf(url: string | null): string | null {
  if (!url) return null;
  const scp = /^[^@/:]+@([^:/]+):/.exec(url);
  if (scp && !url.includes('://')) return scp[1].toLowerCase();
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Only what was sent: a field left out of a PATCH keeps its value. */
function sent<T extends object>(input: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** A TCP check has no path; an HTTP one needs one. There is no "off". */
function resolveHealthCheck(base: HealthCheckSettings, input: Partial<HealthCheckSettings> | undefined): HealthCheckSettings {
  const merged = { ...base, ...sent(input) };
  return { ...merged, path: merged.type === 'tcp' ? null : (merged.path ?? null) };
}

type Settings = Pick<
  ApplicationEntity,
  'buildPack' | 'gitUrl' | 'gitBranch' | 'imageReference' | 'healthCheck' | 'previewsEnabled' | 'previewDomain'
>;

/** What the build pack needs and the health check makes sense of, as field errors. */
function consistencyProblems(s: Settings): FieldError[] {
  const problems: FieldError[] = [];
  if (s.buildPack === 'dockerfile') {
    if (!s.gitUrl) problems.push({ field: 'gitUrl', message: 'gitUrl is required for the dockerfile build pack' });
    if (!s.gitBranch) problems.push({ field: 'gitBranch', message: 'gitBranch is required for the dockerfile build pack' });
  } else if (!s.imageReference) {
    problems.push({ field: 'imageReference', message: 'imageReference is required for the image build pack' });
  }
  if (s.healthCheck.type === 'http' && !s.healthCheck.path)
    problems.push({ field: 'healthCheck.path', message: 'healthCheck.path is required for http checks' });
  if (s.previewsEnabled && s.buildPack !== 'dockerfile')
    problems.push({ field: 'previewsEnabled', message: 'previewsEnabled needs the dockerfile build pack (previews are built from pull requests)' });
  if (s.previewsEnabled && !s.previewDomain) problems.push({ field: 'previewDomain', message: 'previewDomain is required to turn previews on' });
  return problems;
}

/** Settings a preview takes from the application it previews (the worker reads them from there again at each deployment). */
export const PREVIEW_FOLLOWED = [
  'teamId',
  'projectId',
  'environmentId',
  'serverId',
  'buildPack',
  'gitUrl',
  'gitBranch',
  'deployKeyId',
  'dockerfilePath',
  'buildTarget',
  'baseDirectory',
  'imageReference',
  'port',
  'healthCheck',
  'restartPolicy',
  'cpuLimit',
  'memoryLimitMb',
  'stopGraceSeconds',
  'deployStrategy',
] as const satisfies readonly (keyof ApplicationEntity)[];

/** The preview columns of an application that is not a preview. */
const NOT_A_PREVIEW = {
  previewOfId: null,
  previewNumber: null,
  previewProvider: null,
  previewRef: null,
  previewTitle: null,
  previewLink: null,
  previewHeadBranch: null,
  previewFork: null,
  previewCommit: null,
} satisfies Partial<ApplicationEntity>;

const domainTaken = (domains: string[]) =>
  new AppException(
    ErrorCode.Conflict,
    `Already used by another application: ${domains.join(', ')}`,
    domains.map((domain) => ({ field: 'domains', message: `${domain} is already used by another application` })),
  );
/** Another team's claim: the field and the name asked for, never whose it is or what uses it. */
const notAvailable = (field: 'domains' | 'previewDomain', names: string[]) =>
  new AppException(
    ErrorCode.Conflict,
    `Not available: ${names.join(', ')}`,
    names.map((name) => ({ field, message: `${name} is not available: another team has claimed it` })),
  );
const nameTaken = (name: string) =>
  new AppException(ErrorCode.Conflict, `An application named ${name} already exists on this server`, [
    { field: 'name', message: 'already used by another application on this server' },
  ]);

/**
 * Maps what the database refused in a race the checks before it could not see: a domain or name
 * taken meanwhile (unique indexes), an environment, server or key deleted meanwhile (foreign keys).
 */
function translateWriteError(error: unknown, name: string): unknown {
  const unique = violatedConstraint(error, PG_UNIQUE_VIOLATION);
  if (unique?.constraint === 'application_domains_domain_key') return domainTaken([/\(domain\)=\((.*)\)/.exec(unique.detail)?.[1] ?? 'a domain']);
  if (unique?.constraint === 'applications_server_id_name_key') return nameTaken(name);
  const missing = violatedConstraint(error, PG_FOREIGN_KEY_VIOLATION);
  if (missing?.constraint === 'applications_server_id_fkey') return AppException.validation([{ field: 'serverId', message: MESSAGES.serverId }]);
  if (missing?.constraint === 'applications_deploy_key_id_fkey')
    return AppException.validation([{ field: 'deployKeyId', message: MESSAGES.deployKeyId }]);
  if (missing?.constraint === 'applications_environment_id_fkey' || missing?.constraint === 'applications_project_id_fkey') {
    return AppException.validation([{ field: 'environmentId', message: MESSAGES.environmentId }]);
  }
  return error;
}

@Injectable()
export class ApplicationsService {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly domains: ApplicationDomainsRepository,
    private readonly environments: EnvironmentsRepository,
    private readonly databases: DatabasesRepository,
    private readonly servers: ServersRepository,
    private readonly sshKeys: SshKeysRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
    @InjectLogger() logger: Logger,
    @InjectConfig() config: AppConfig,
    private readonly box: SecretBox,
    private readonly places: NotificationPlacesRepository,
    private readonly notifications: NotificationRecorder,
  ) {
    this.logger = logger.child({ component: 'applications' });
    this.addresses = new AddressPolicy(config.network);
  }

  private readonly addresses: AddressPolicy;

  /** A repository on loopback, link-local or a metadata address is refused here already; the worker checks again before each clone. */
  private async gitUrlProblems(url: string | null | undefined): Promise<FieldError[]> {
    if (!url) return [];
    const problem = await this.addresses.problem(gitUrlHost(url).host, 'outbound');
    return problem ? [{ field: 'gitUrl', message: `gitUrl ${problem}` }] : [];
  }

  async list(team: TeamScope, query: PageQuery & ApplicationListQuery): Promise<Paginated<ApplicationDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.applications.pageListed(team, { skip: window.skip, take: window.perPage }, query);
    const ids = rows.map((r) => r.id);
    const domains = await this.domains.ofApplications(team, ids);
    const withToken = await this.applications.withGitToken(team, ids);
    return paginated(
      rows.map((r) => toDto(r, domains.get(r.id) ?? [], withToken.has(r.id))),
      total,
      window,
    );
  }

  async get(team: TeamScope, id: string): Promise<ApplicationDto> {
    const row = await this.applications.get(team, id);
    return toDto(row, (await this.domains.ofApplications(team, [id])).get(id) ?? [], (await this.applications.withGitToken(team, [id])).has(id));
  }

  /** The environment, server and deploy key must be the team's: another team's id is one that does not exist. */
  async create(caller: Caller, team: TeamScope, input: CreateApplicationRequest): Promise<ApplicationDto> {
    const environment = await this.environments.find(team, input.environmentId);
    const problems: FieldError[] = [];
    if (!environment) problems.push({ field: 'environmentId', message: MESSAGES.environmentId });
    if (!(await this.servers.existsInTeam(team, input.serverId))) problems.push({ field: 'serverId', message: MESSAGES.serverId });
    if (input.deployKeyId && !(await this.sshKeys.existsInTeam(team, input.deployKeyId)))
      problems.push({ field: 'deployKeyId', message: MESSAGES.deployKeyId });
    const newId = randomUUID();
    const row: NewApplication = {
      id: newId,
      projectId: environment?.projectId ?? '',
      environmentId: input.environmentId,
      serverId: input.serverId,
      name: input.name,
      description: input.description ?? '',
      buildPack: input.buildPack,
      gitUrl: input.gitUrl ?? null,
      gitBranch: input.gitBranch ?? null,
      deployKeyId: input.deployKeyId ?? null,
      dockerfilePath: input.dockerfilePath ?? APPLICATION_DEFAULTS.dockerfilePath,
      buildTarget: input.buildTarget ?? null,
      baseDirectory: input.baseDirectory ?? APPLICATION_DEFAULTS.baseDirectory,
      imageReference: input.imageReference ?? null,
      port: input.port,
      healthCheck: resolveHealthCheck(APPLICATION_DEFAULTS.healthCheck, input.healthCheck),
      restartPolicy: input.restartPolicy ?? APPLICATION_DEFAULTS.restartPolicy,
      cpuLimit: input.cpuLimit === undefined || input.cpuLimit === null ? null : String(input.cpuLimit),
      memoryLimitMb: input.memoryLimitMb ?? null,
      stopGraceSeconds: input.stopGraceSeconds ?? APPLICATION_DEFAULTS.stopGraceSeconds,
      keepImages: input.keepImages ?? APPLICATION_DEFAULTS.keepImages,
      deployStrategy: input.deployStrategy ?? APPLICATION_DEFAULTS.deployStrategy,
      watchPaths: input.watchPaths ?? [],
      deployTags: input.deployTags ?? null,
      webhookSecret: null,
      gitHostKey: null,
      gitToken: input.gitToken ? this.box.seal(input.gitToken, gitTokenAad(newId)) : null,
      previewsEnabled: input.previewsEnabled ?? false,
      previewDomain: input.previewDomain ?? null,
      previewForks: input.previewForks ?? false,
      ...NOT_A_PREVIEW,
    };
    problems.push(...consistencyProblems(row), ...(await this.gitUrlProblems(row.gitUrl)));
    if (problems.length > 0) throw AppException.validation(problems);
    const domains = input.domains ?? [];
    await this.assertDomainsFree(team, domains);

    let id: string;
    try {
      id = await this.dataSource.transaction(async (manager) => {
        await this.assertClaimable(manager, team, { domains, previewDomain: row.previewDomain });
        await this.assertNoDatabaseNamed(manager, team, row.environmentId, row.name);
        await this.applications.in(manager).add(team, row);
        await this.domains.in(manager).add(team, row.id, domains);
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.ApplicationCreated,
          target: { type: 'application', id: row.id },
          metadata: { name: row.name, environmentId: row.environmentId, serverId: row.serverId },
        });
        return row.id;
      });
    } catch (error) {
      throw translateWriteError(error, input.name);
    }
    await this.syncProxy(row.serverId);
    return this.get(team, id);
  }

  /** Only what is sent changes; `domains`, when sent, replaces the whole set. */
  async update(caller: Caller, team: TeamScope, id: string, input: UpdateApplicationRequest): Promise<ApplicationDto> {
    const current = await this.applications.get(team, id);
    if (current.previewOfId)
      throw new AppException(ErrorCode.Conflict, 'A preview follows the settings of the application it previews: change them there');
    const { domains, healthCheck, cpuLimit, gitToken, ...rest } = sent(input);
    const changes: Partial<ApplicationEntity> = { ...rest };
    if (healthCheck !== undefined) changes.healthCheck = resolveHealthCheck(current.healthCheck, healthCheck);
    if (cpuLimit !== undefined) changes.cpuLimit = cpuLimit === null ? null : String(cpuLimit);
    if (gitToken !== undefined) changes.gitToken = gitToken ? this.box.seal(gitToken, gitTokenAad(id)) : null;
    // The pinned key belongs to the host: another host is learned anew at its first clone.
    if (rest.gitUrl !== undefined && gitHostOf(rest.gitUrl) !== gitHostOf(current.gitUrl)) changes.gitHostKey = null;

    const problems = consistencyProblems({ ...current, ...changes });
    if (rest.gitUrl !== undefined && rest.gitUrl !== current.gitUrl) problems.push(...(await this.gitUrlProblems(rest.gitUrl)));
    if (changes.deployKeyId && !(await this.sshKeys.existsInTeam(team, changes.deployKeyId)))
      problems.push({ field: 'deployKeyId', message: MESSAGES.deployKeyId });
    if (problems.length > 0) throw AppException.validation(problems);
    if (domains) await this.assertDomainsFree(team, domains, id);
    const claimedPreviewDomain = changes.previewDomain && changes.previewDomain !== current.previewDomain ? changes.previewDomain : null;
    const after = { ...current, ...changes };
    // Previews turned off go, with their containers; a new preview domain moves the ones that stay.
    const previewsOff = current.previewsEnabled && !after.previewsEnabled;
    const rehomed = !previewsOff && after.previewDomain && after.previewDomain !== current.previewDomain ? after.previewDomain : null;

    try {
      await this.dataSource.transaction(async (manager) => {
        if (domains || claimedPreviewDomain) await this.assertClaimable(manager, team, { domains, previewDomain: claimedPreviewDomain });
        if (rest.name !== undefined && rest.name !== current.name) await this.assertNoDatabaseNamed(manager, team, current.environmentId, rest.name);
        const applications = this.applications.in(manager);
        // Even a change of domains alone is a change of the application.
        await applications.change(team, id, { ...changes, updatedAt: new Date() });
        // Previews follow: their copies stay true for what reads the row itself (the proxy routes their domains to name:port).
        const followedChanges = Object.fromEntries(Object.entries(changes).filter(([key]) => (PREVIEW_FOLLOWED as readonly string[]).includes(key)));
        if (Object.keys(followedChanges).length > 0) await applications.changePreviewsOf(team, id, followedChanges);
        if (rehomed) await this.movePreviews(manager, team, id, rehomed);
        if (domains) await this.domains.in(manager).replaceOf(team, id, domains);
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.ApplicationUpdated,
          target: { type: 'application', id },
          metadata: { name: current.name, changed: Object.keys(sent(input)) },
        });
      });
    } catch (error) {
      const taken = violatedConstraint(error, PG_UNIQUE_VIOLATION);
      if (rehomed && !domains && taken?.constraint === 'application_domains_domain_key') {
        throw new AppException(ErrorCode.Conflict, 'A preview would move to a domain another application uses', [
          {
            field: 'previewDomain',
            message: `${/\(domain\)=\((.*)\)/.exec(taken.detail)?.[1] ?? 'a preview domain'} is already used by another application`,
          },
        ]);
      }
      throw translateWriteError(error, input.name ?? current.name);
    }
    if (previewsOff) {
      for (const preview of await this.applications.previewsOf(team, id))
        await this.remove(caller, team, preview, { deleteVolumes: true, previewCause: 'disabled' });
    }
    // What the proxy routes: the domains, to the alias (from the name) and the port.
    if (domains !== undefined || rest.port !== undefined || rest.name !== undefined || rehomed) await this.syncProxy(current.serverId);
    return this.get(team, id);
  }

  /** Serves every preview of the application at `pr-<n>.<base>` instead of where it was. */
  private async movePreviews(manager: EntityManager, team: TeamScope, id: string, base: string): Promise<void> {
    const previews = await this.applications.in(manager).previewsOf(team, id);
    await this.domains.in(manager).reassign(
      team,
      previews.map((p) => ({ applicationId: p.id, domain: previewDomainOf(base, p.previewNumber as number) })),
    );
  }

  /**
   * A fresh ed25519 key for this application only, kept as a team SSH key (listed, deletable once
   * unused, like any other) and made its deploy key. The previous deploy key stays a team key.
   */
  async generateDeployKey(caller: Caller, team: TeamScope, id: string): Promise<GeneratedDeployKeyResponse> {
    const current = await this.applications.get(team, id);
    const pair = generateSshKeyPair(`zpanel-deploy-${current.name}`);
    const keyId = randomUUID();
    const name = `Deploy key: ${current.name}`;
    await this.dataSource.transaction(async (manager) => {
      await this.sshKeys.in(manager).add(team, {
        id: keyId,
        name,
        type: pair.type,
        privateKey: this.box.seal(pair.privateKey, sshKeyAad(keyId)),
        publicKey: pair.publicKey,
        fingerprint: pair.fingerprint,
      });
      await this.applications.in(manager).change(team, id, { deployKeyId: keyId, updatedAt: new Date() });
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.SshKeyCreated,
        target: { type: 'ssh_key', id: keyId },
        metadata: { name, fingerprint: pair.fingerprint, generated: true },
      });
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.ApplicationDeployKeyGenerated,
        target: { type: 'application', id },
        metadata: { name: current.name, sshKeyId: keyId, fingerprint: pair.fingerprint, previousDeployKeyId: current.deployKeyId },
      });
    });
    const key = await this.sshKeys.get(team, keyId);
    return {
      application: await this.get(team, id),
      sshKey: {
        id: key.id,
        teamId: key.teamId,
        name: key.name,
        type: key.type,
        publicKey: key.publicKey,
        fingerprint: key.fingerprint,
        serverCount: 0,
        createdAt: key.createdAt.toISOString(),
      },
    };
  }

  /** Drops the pinned git host key on purpose (the provider rotated it): the next ssh clone learns the key it is shown. */
  async forgetGitHostKey(caller: Caller, team: TeamScope, id: string): Promise<ApplicationDto> {
    const current = await this.applications.get(team, id);
    await this.dataSource.transaction(async (manager) => {
      await this.applications.in(manager).change(team, id, { gitHostKey: null, updatedAt: new Date() });
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.ApplicationGitHostKeyForgotten,
        target: { type: 'application', id },
        metadata: { name: current.name, fingerprints: current.gitHostKey === null ? [] : knownHostsFingerprints(current.gitHostKey) },
      });
    });
    return this.get(team, id);
  }

  /** Removes the application's record with its domains, variables, deployments and previews, then its containers and images on the server. */
  async delete(caller: Caller, team: TeamScope, id: string, options: { deleteVolumes: boolean } = { deleteVolumes: false }): Promise<void> {
    await this.remove(caller, team, await this.applications.get(team, id), options);
  }

  /**
   * Deletes the row (its previews, domains, variables and deployments go with it: a running deployment
   * of it sees its row gone and stops), then has the worker route the server without its domains and
   * remove what carries its labels. `caller` null: a verified webhook closed a preview. Named volumes
   * go only with `deleteVolumes` (a preview's always: they were made for the pull request).
   */
  async remove(
    caller: Caller | null,
    team: TeamScope,
    current: ApplicationEntity,
    options: { deleteVolumes: boolean; previewCause?: PreviewRemovalCause } = { deleteVolumes: false },
  ): Promise<void> {
    const previews = await this.applications.previewsOf(team, current.id);
    // Looked up before the row goes: a preview's removal is told to the team (preview.removed).
    const previewPlace = current.previewOfId ? await this.places.application(current.id).catch(() => null) : null;
    await this.dataSource.transaction(async (manager) => {
      await this.applications.in(manager).deleteOne(team, current.id);
      const preview = current.previewOfId ? { previewOf: current.previewOfId, pullRequest: current.previewNumber } : {};
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.ApplicationDeleted,
        target: { type: 'application', id: current.id },
        metadata: {
          name: current.name,
          serverId: current.serverId,
          deleteVolumes: options.deleteVolumes || current.previewOfId !== null,
          ...preview,
        },
      });
    });
    await this.syncProxy(current.serverId);
    if (previewPlace) await this.notifications.record(previewRemovedEvent(previewPlace, options.previewCause ?? 'deleted'));
    for (const app of [current, ...previews]) {
      try {
        await enqueueApplicationCleanup(this.jobs, {
          serverId: app.serverId,
          applicationId: app.id,
          stopGraceSeconds: app.stopGraceSeconds,
          deleteVolumes: options.deleteVolumes || app.previewOfId !== null,
        });
      } catch (error) {
        // The application is gone either way; its containers stay until removed by hand (they carry its labels).
        this.logger.warn({ err: error, applicationId: app.id }, 'application cleanup not queued');
      }
    }
  }

  /**
   * Asks the worker to route the server's domains as they now are (after the commit, so the job reads
   * this change). The change stands if the queue is unreachable: the next change or validation of
   * the server brings its proxy up to date.
   */
  async syncProxy(serverId: string): Promise<void> {
    try {
      await enqueueProxySync(this.jobs, serverId);
    } catch (error) {
      this.logger.warn({ err: error, serverId }, 'proxy sync not queued');
    }
  }

  /**
   * Databases and applications of an environment share their names (references name databases by
   * it): checked under the environment's row lock, which DatabasesService takes to add or rename one too.
   */
  private async assertNoDatabaseNamed(manager: EntityManager, team: TeamScope, environmentId: string, name: string): Promise<void> {
    await this.environments.in(manager).getLocked(team, environmentId, 'for_no_key_update');
    if ((await this.databases.in(manager).findByNamesInEnvironment(team, environmentId, [name])).length > 0) {
      throw new AppException(ErrorCode.Conflict, `A database of this environment is named ${name}`, [
        { field: 'name', message: `name ${name} is already used by a database of this environment` },
      ]);
    }
  }

  /** Within the team, a domain another of its applications uses is refused with that said (another team's: assertClaimable). */
  private async assertDomainsFree(team: TeamScope, domains: string[], applicationId?: string): Promise<void> {
    const taken = await this.domains.usedInTeam(team, domains, applicationId);
    if (taken.length > 0) throw domainTaken(taken);
  }

  /**
   * Domain ownership across teams: a domain belongs to the team whose application holds it, and a
   * preview domain claims itself and every name under it (previews are served at pr-<n>.<it>, its
   * DNS wildcard points at that team's server). The first team to claim a name keeps it: another
   * team's application domain there, or a preview domain over or under another team's names, is a
   * 409 that names the field and the name asked for, not the team or application holding it.
   * Within one team nothing changes. Runs in the write's transaction under an advisory lock, so two
   * teams cannot both pass the check.
   */
  private async assertClaimable(
    manager: EntityManager,
    team: TeamScope,
    claim: { domains?: string[]; previewDomain?: string | null },
  ): Promise<void> {
    const domains = this.domains.in(manager);
    await domains.lockClaims();
    const taken = await domains.claimedByOtherTeams(team, claim.domains ?? []);
    if (taken.length > 0) throw notAvailable('domains', taken);
    if (claim.previewDomain && (await domains.previewDomainOverlapsOtherTeams(team, claim.previewDomain)))
      throw notAvailable('previewDomain', [claim.previewDomain]);
  }
}
