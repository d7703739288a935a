import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  type CreateServerRequest,
  ErrorCode,
  type FieldError,
  JobName,
  type PageQuery,
  type Paginated,
  type ServerDto,
  type UpdateServerRequest,
} from '@zpanel/contracts';
import { AddressPolicy, type AppConfig, AppException, InjectConfig, hostPathProblem } from '@zpanel/core';
import {
  AlertRulesRepository,
  ApplicationsRepository,
  DatabasesRepository,
  type ServerEntity,
  ServersRepository,
  SshKeysRepository,
  type TeamScope,
} from '@zpanel/database';
import { DataSource, QueryFailedError } from 'typeorm';
import { JobProducer } from '@zpanel/queue';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../access/caller';
import { pageWindow, paginated } from '../http/pagination';

function toDto(s: ServerEntity, defaultCheckIntervalSeconds: number): ServerDto {
  return {
    id: s.id,
    teamId: s.teamId,
    name: s.name,
    host: s.host,
    port: s.port,
    user: s.user,
    sshKeyId: s.sshKeyId,
    description: s.description,
    status: s.status,
    statusReason: s.statusReason,
    statusReasonCode: s.statusReasonCode,
    hostKeyFingerprint: s.hostKeyFingerprint,
    os: s.os,
    dockerVersion: s.dockerVersion,
    diskFreeBytes: s.diskFreeBytes === null ? null : Number(s.diskFreeBytes),
    lastValidatedAt: s.lastValidatedAt?.toISOString() ?? null,
    checkIntervalSeconds: s.checkIntervalSeconds ?? defaultCheckIntervalSeconds,
    lastCheckedAt: s.lastCheckedAt?.toISOString() ?? null,
    allowedBindRoots: s.allowedBindRoots,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

const nameTaken = (name: string) =>
  new AppException(ErrorCode.Conflict, `A server named ${name} already exists in this team`, [
    { field: 'name', message: 'already used in this team' },
  ]);

@Injectable()
export class ServersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly servers: ServersRepository,
    private readonly keys: SshKeysRepository,
    private readonly applications: ApplicationsRepository,
    private readonly databases: DatabasesRepository,
    private readonly rules: AlertRulesRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.addresses = new AddressPolicy(config.network);
  }

  private readonly addresses: AddressPolicy;

  /** A host on a link-local or metadata address is refused here already; the worker checks again before each connection. */
  private async assertHostAllowed(host: string): Promise<void> {
    const problem = await this.addresses.problem(host, 'server');
    if (problem) throw AppException.validation([{ field: 'host', message: `host ${problem}` }]);
  }

  private toDto(row: ServerEntity): ServerDto {
    return toDto(row, this.config.servers.checkIntervalSeconds);
  }

  async list(team: TeamScope, query: PageQuery): Promise<Paginated<ServerDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.servers.page(team, { skip: window.skip, take: window.perPage }, { name: 'ASC', id: 'ASC' });
    return paginated(
      rows.map((row) => this.toDto(row)),
      total,
      window,
    );
  }

  async get(team: TeamScope, id: string): Promise<ServerDto> {
    return this.toDto(await this.servers.get(team, id));
  }

  async create(caller: Caller, team: TeamScope, input: CreateServerRequest): Promise<ServerDto> {
    await this.assertKeyOfTeam(team, input.sshKeyId);
    await this.assertHostAllowed(input.host);
    // The server, its default alert rules and the audit row exist together or not at all.
    const row = await this.saveUnique(input.name, () =>
      this.dataSource.transaction(async (manager) => {
        const saved = await this.servers.in(manager).add(team, {
          name: input.name,
          host: input.host,
          port: input.port ?? 22,
          user: input.user ?? 'root',
          sshKeyId: input.sshKeyId,
          description: input.description ?? '',
          status: 'pending' as const,
          checkIntervalSeconds: input.checkIntervalSeconds ?? null,
        });
        await this.rules.in(manager).addDefaults(team, saved.id);
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.ServerCreated,
          target: { type: 'server', id: saved.id },
          metadata: { name: saved.name, host: saved.host },
        });
        return saved;
      }),
    );
    return this.toDto(row);
  }

  /**
   * Changing how the server is reached sends it back to `pending` (it must be validated again); a new
   * host also forgets the recorded host key, which belonged to the old machine.
   */
  async update(caller: Caller, team: TeamScope, id: string, input: UpdateServerRequest): Promise<ServerDto> {
    const current = await this.servers.get(team, id);
    if (input.sshKeyId) await this.assertKeyOfTeam(team, input.sshKeyId);
    if (input.host !== undefined && input.host !== current.host) await this.assertHostAllowed(input.host);
    const reach = (['host', 'port', 'user', 'sshKeyId'] as const).filter((k) => input[k] !== undefined && input[k] !== current[k]);
    const changes: Partial<ServerEntity> = { ...input };
    if (reach.length > 0) Object.assign(changes, { status: 'pending', statusReason: null, statusReasonCode: null });
    if (input.host !== undefined && input.host !== current.host) changes.hostKeyFingerprint = null;
    // Another address may be another Docker host: the claim on the old one's engine goes until validated again.
    if ((input.host !== undefined && input.host !== current.host) || (input.port !== undefined && input.port !== current.port))
      changes.dockerEngineId = null;
    // A new interval applies from the next tick, not after the old interval has run out.
    if (input.checkIntervalSeconds !== undefined) changes.nextCheckAt = null;
    await this.saveUnique(input.name ?? current.name, () =>
      this.dataSource.transaction(async (manager) => {
        await this.servers.in(manager).change(team, id, changes);
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.ServerUpdated,
          target: { type: 'server', id },
          metadata: { changed: Object.keys(input) },
        });
      }),
    );
    return this.get(team, id);
  }

  /**
   * Replaces the host directories the server's applications may bind-mount. Each is checked as a
   * host path (absolute, normalized, clear of the denied paths: `/`, `/etc`, the Docker socket,
   * Zpanel's data...); the worker resolves links on the server again at each deployment. Mounts
   * already saved under a root taken away stay stored but fail their next deployment, with the reason.
   */
  async setAllowedBindRoots(caller: Caller, team: TeamScope, id: string, roots: string[]): Promise<ServerDto> {
    const problems: FieldError[] = [];
    roots.forEach((root, index) => {
      const problem = hostPathProblem(root);
      if (problem) problems.push({ field: `allowedBindRoots.${index}`, message: `allowedBindRoots.${index} ${problem}` });
    });
    if (new Set(roots).size !== roots.length) problems.push({ field: 'allowedBindRoots', message: 'allowedBindRoots must not list a path twice' });
    if (problems.length > 0) throw AppException.validation(problems);
    const current = await this.servers.get(team, id);
    const sorted = [...roots].sort();
    await this.dataSource.transaction(async (manager) => {
      await this.servers.in(manager).change(team, id, { allowedBindRoots: sorted, updatedAt: new Date() });
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.ServerBindRootsChanged,
        target: { type: 'server', id },
        metadata: { before: current.allowedBindRoots, after: sorted },
      });
    });
    return this.get(team, id);
  }

  /** Queues a validation; the worker stores the outcome on the server (status and reason). */
  async validate(caller: Caller, team: TeamScope, id: string, options: { trustNewHostKey?: boolean } = {}): Promise<ServerDto> {
    const current = await this.servers.get(team, id);
    await this.dataSource.transaction(async (manager) => {
      await this.servers.in(manager).change(team, id, {
        status: 'validating',
        statusReason: null,
        statusReasonCode: null,
        ...(options.trustNewHostKey ? { hostKeyFingerprint: null } : {}),
      });
      if (options.trustNewHostKey) {
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.ServerHostKeyTrusted,
          target: { type: 'server', id },
          metadata: { previous: current.hostKeyFingerprint },
        });
      }
    });
    // Read before the job exists: the answer is the server as it waits for validation, whatever a fast worker does next.
    const validating = await this.get(team, id);
    await this.jobs.enqueue(JobName.ServerValidate, { serverId: id }, { removeOnComplete: { age: 3600 }, removeOnFail: { age: 86_400 } });
    return validating;
  }

  /** Refused while applications or databases are set to run on it (the database refuses it too, in a race). */
  async delete(caller: Caller, team: TeamScope, id: string): Promise<void> {
    const current = await this.servers.get(team, id);
    const inUse = () => new AppException(ErrorCode.Conflict, 'Applications or databases are set to run on this server: delete them first');
    if ((await this.applications.countUsing({ serverId: id })) > 0) throw inUse();
    const databases = await this.databases.countOnServer(id);
    if (databases > 0) throw new AppException(ErrorCode.Conflict, `The server runs ${databases} database(s): delete them first`);
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.servers.in(manager).deleteOne(team, id);
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.ServerDeleted,
          target: { type: 'server', id },
          metadata: { name: current.name },
        });
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error as QueryFailedError & { code?: string }).code === '23503') throw inUse();
      throw error;
    }
  }

  /** A key of another team is, for this team, a key that does not exist. */
  private async assertKeyOfTeam(team: TeamScope, sshKeyId: string): Promise<void> {
    if (!(await this.keys.existsInTeam(team, sshKeyId))) {
      throw AppException.validation([{ field: 'sshKeyId', message: 'sshKeyId must be the id of one of the team’s SSH keys' }]);
    }
  }

  private async saveUnique<T>(name: string, save: () => Promise<T>): Promise<T> {
    try {
      return await save();
    } catch (error) {
      if (error instanceof QueryFailedError && (error as QueryFailedError & { code?: string }).code === '23505') throw nameTaken(name);
      throw error;
    }
  }
}
