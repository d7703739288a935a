import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  type CreateDatabaseRequest,
  type CreateDatabaseResponse,
  DATABASE_DEFAULT_IMAGES,
  DATABASE_IDENTIFIER_LIMITS,
  DATABASE_INTERNAL_PORTS,
  type ContainerLogsDto,
  type DatabaseCredentialsDto,
  type DatabaseDto,
  type DatabaseListQuery,
  type DatabaseOperationDto,
  type DatabaseOperationKind,
  type DatabaseOperationQueuedResponse,
  type DatabaseOperationWithLogDto,
  type DatabaseStatsDto,
  ErrorCode,
  type FieldError,
  type PageQuery,
  type Paginated,
  REDIS_DATABASE_NAME,
  REDIS_USER_NAME,
  type SqlDatabaseEngine,
  type UpdateDatabaseRequest,
  type UpdateDatabaseResponse,
} from '@zpanel/contracts';
import {
  type AppConfig,
  AppException,
  type ConnectionCredentials,
  InjectConfig,
  InjectLogger,
  SecretBox,
  connectionUrl,
  databaseName,
  databaseUserName,
  generateDatabasePassword,
  imageTagChangeProblem,
  zpanelDockerNames,
} from '@zpanel/core';
import {
  type DatabaseEntity,
  type DatabaseOperationEntity,
  DatabaseOperationsRepository,
  DatabasesRepository,
  EnvVarsRepository,
  EnvironmentsRepository,
  ProjectsRepository,
  ServerMetricsRepository,
  ServersRepository,
  type TeamScope,
  UsersRepository,
  databasePasswordAad,
} from '@zpanel/database';
import { JobProducer, enqueueDatabaseOperation } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import type { Caller } from '../access/caller';
import { PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION, violatedConstraint } from '../applications/pg-errors';
import { AuditService } from '../audit/audit.service';
import { runContainerOperation } from '../containers/container-operation';
import { pageWindow, paginated } from '../http/pagination';

const MESSAGES = {
  environmentId: 'environmentId must be the id of one of the team’s environments',
  serverId: 'serverId must be the id of one of the team’s servers',
} as const;

/** How far back the stats route looks for the server's latest check. */
const STATS_WINDOW_SECONDS = 600;

/** The operations a person asks for by name on their own route (create, apply and delete come with their own changes). */
export type DatabaseAction = Extract<DatabaseOperationKind, 'start' | 'stop' | 'restart' | 'rotate-password'>;

const nameTaken = (name: string) =>
  new AppException(ErrorCode.Conflict, `${name} is already used in this environment`, [
    { field: 'name', message: `name ${name} is already used by a database or an application of this environment` },
  ]);
const portTaken = (port: number) =>
  new AppException(ErrorCode.Conflict, `Port ${port} is already published by another database on this server`, [
    { field: 'publicPort', message: `publicPort ${port} is already published by another database on this server` },
  ]);
const busy = (active: Pick<DatabaseOperationEntity, 'id' | 'kind' | 'status'> | null) =>
  new AppException(
    ErrorCode.Conflict,
    active
      ? `The database has a ${active.kind} operation ${active.status} (${active.id}): wait until it finishes`
      : 'The database has an operation queued or running: wait until it finishes',
  );
const deleting = () => new AppException(ErrorCode.Conflict, 'The database is being deleted');

/** `repository:tag` of a reference (the digest dropped); a colon before the last slash is a registry port, never a tag. */
function splitImage(reference: string): { repository: string; tag: string | null } {
  const withoutDigest = reference.split('@')[0];
  const tagColon = withoutDigest.indexOf(':', withoutDigest.lastIndexOf('/') + 1);
  return tagColon === -1
    ? { repository: withoutDigest, tag: null }
    : { repository: withoutDigest.slice(0, tagColon), tag: withoutDigest.slice(tagColon + 1) };
}

/**
 * A database or user name from the resource's name: dashes become `_` (`main-db` → `main_db`), cut to
 * the engine's limit; a name the engine's rules refuse (a leading digit, `root`, `pg_…`) gets a `db_`
 * prefix, which always passes them.
 */
export function defaultIdentifier(engine: SqlDatabaseEngine, name: string, kind: 'databaseName' | 'userName'): string {
  const rule = kind === 'databaseName' ? databaseName(engine) : databaseUserName(engine);
  const max = DATABASE_IDENTIFIER_LIMITS[engine][kind];
  const base = name.replace(/-/g, '_');
  const plain = base.slice(0, max);
  return rule(plain) === null ? plain : `db_${base}`.slice(0, max);
}

function operationDto(o: DatabaseOperationEntity): DatabaseOperationDto {
  return {
    id: o.id,
    databaseId: o.databaseId,
    kind: o.kind,
    status: o.status,
    reason: o.reason,
    reasonCode: o.reasonCode,
    ...(o.kind === 'delete' ? { deleteData: o.deleteData } : {}),
    createdAt: o.createdAt.toISOString(),
    startedAt: o.startedAt?.toISOString() ?? null,
    finishedAt: o.finishedAt?.toISOString() ?? null,
  };
}

/**
 * One-click databases (docs/databases.md): the API keeps the rows, generates and seals the
 * credentials and queues operations; the worker runs them on the server, one at a time per database.
 * Callers are authorized on the database (or its team) before any method here is called.
 */
@Injectable()
export class DatabasesService {
  private readonly logger: Logger;
  private readonly names: ReturnType<typeof zpanelDockerNames>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly databases: DatabasesRepository,
    private readonly operations: DatabaseOperationsRepository,
    private readonly environments: EnvironmentsRepository,
    private readonly envVars: EnvVarsRepository,
    private readonly projects: ProjectsRepository,
    private readonly servers: ServersRepository,
    private readonly metrics: ServerMetricsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
    private readonly box: SecretBox,
    @InjectLogger() logger: Logger,
    @InjectConfig() config: AppConfig,
  ) {
    this.logger = logger.child({ component: 'databases' });
    this.names = zpanelDockerNames(config.docker.namespace);
  }

  private toDto(d: DatabaseEntity): DatabaseDto {
    return {
      id: d.id,
      teamId: d.teamId,
      environmentId: d.environmentId,
      serverId: d.serverId,
      name: d.name,
      engine: d.engine,
      image: d.image,
      databaseName: d.databaseName,
      userName: d.userName,
      internalHost: this.names.databaseAlias(d.id),
      internalPort: DATABASE_INTERNAL_PORTS[d.engine],
      publicPort: d.publicPort,
      memoryLimitMb: d.memoryLimitMb,
      cpuLimit: d.cpuLimit === null ? null : Number(d.cpuLimit),
      status: d.status,
      statusReason: d.statusReason,
      statusReasonCode: d.statusReasonCode,
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
    };
  }

  async list(team: TeamScope, query: PageQuery & DatabaseListQuery): Promise<Paginated<DatabaseDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.databases.pageListed(team, { skip: window.skip, take: window.perPage }, query);
    return paginated(
      rows.map((r) => this.toDto(r)),
      total,
      window,
    );
  }

  async get(team: TeamScope, id: string): Promise<DatabaseDto> {
    return this.toDto(await this.databases.get(team, id));
  }

  /**
   * The environment and server must be the team's (another team's id is one that does not exist: 400
   * naming the field), the server validated. The password is generated and sealed bound to the id,
   * which is chosen here; the database and its `create` operation commit together, then the job is queued.
   */
  async create(caller: Caller, team: TeamScope, input: CreateDatabaseRequest): Promise<CreateDatabaseResponse> {
    const problems: FieldError[] = [];
    const environment = await this.environments.find(team, input.environmentId);
    if (!environment) problems.push({ field: 'environmentId', message: MESSAGES.environmentId });
    const server = await this.servers.find(team, input.serverId);
    if (!server) problems.push({ field: 'serverId', message: MESSAGES.serverId });
    if (!environment || !server) throw AppException.validation(problems);
    // A server never validated has no pinned host key, so the worker would refuse to reach it.
    if (server.hostKeyFingerprint === null || server.status === 'invalid') {
      throw new AppException(ErrorCode.Conflict, `The server is ${server.status}: validate it before adding databases to it`, [
        { field: 'serverId', message: `serverId names a server that is ${server.status}: validate it first` },
      ]);
    }

    const id = randomUUID();
    const engine = input.engine;
    const sql = engine === 'redis' ? null : engine;
    const row: Omit<DatabaseEntity, 'teamId' | 'createdAt' | 'updatedAt' | 'rootPassword'> = {
      id,
      environmentId: input.environmentId,
      serverId: input.serverId,
      name: input.name,
      engine,
      image: input.image ?? DATABASE_DEFAULT_IMAGES[engine],
      databaseName: sql && (input.databaseName ?? defaultIdentifier(sql, input.name, 'databaseName')),
      userName: sql && (input.userName ?? defaultIdentifier(sql, input.name, 'userName')),
      password: this.box.seal(generateDatabasePassword(), databasePasswordAad(id)),
      publicPort: input.publicPort ?? null,
      memoryLimitMb: input.memoryLimitMb ?? null,
      cpuLimit: input.cpuLimit === undefined || input.cpuLimit === null ? null : String(input.cpuLimit),
      status: 'creating',
      statusReason: null,
      statusReasonCode: null,
    };
    const actor = await this.actorOf(caller);

    let operation: DatabaseOperationEntity;
    try {
      operation = await this.dataSource.transaction(async (manager) => {
        // Held until the commit: a project deletion counting its databases waits for this one (ProjectsService.delete).
        await this.projects.in(manager).getLocked(team, environment.projectId, 'for_no_key_update');
        await this.assertNameFree(manager, team, row.environmentId, row.name);
        if (row.publicPort !== null) await this.assertPortFree(manager, row.serverId, row.publicPort);
        await this.databases.in(manager).add(team, row);
        const queued = await this.queue(manager, team, { databaseId: id, kind: 'create', ...actor });
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.DatabaseCreated,
          target: { type: 'database', id },
          metadata: { name: row.name, engine, image: row.image, environmentId: row.environmentId, serverId: row.serverId, operationId: queued.id },
        });
        return queued;
      });
    } catch (error) {
      // The project or environment was deleted since it was checked.
      if (error instanceof AppException && error.code === ErrorCode.NotFound) {
        throw AppException.validation([{ field: 'environmentId', message: MESSAGES.environmentId }]);
      }
      throw this.translateWriteError(error, row);
    }
    return { database: await this.get(team, id), operation: await this.dispatch(operation) };
  }

  /**
   * Only what is sent changes, and only a real change counts. A rename is the row's alone; a new
   * image, limit or public port recreates the container (an `apply` operation), refused while
   * another operation is queued or running. An image keeps its repository and moves only to a tag
   * the engine can open the existing data with.
   */
  async update(caller: Caller, team: TeamScope, id: string, input: UpdateDatabaseRequest): Promise<UpdateDatabaseResponse> {
    const current = await this.databases.get(team, id);
    if (current.status === 'deleting') throw deleting();
    const changes: Partial<DatabaseEntity> = {};
    if (input.name !== undefined && input.name !== current.name) changes.name = input.name;
    if (input.image !== undefined && input.image !== current.image) {
      const problem = this.imageChangeProblem(current, input.image);
      if (problem) throw AppException.validation([{ field: 'image', message: `image ${problem}` }]);
      changes.image = input.image;
    }
    if (input.publicPort !== undefined && input.publicPort !== current.publicPort) changes.publicPort = input.publicPort;
    if (input.memoryLimitMb !== undefined && input.memoryLimitMb !== current.memoryLimitMb) changes.memoryLimitMb = input.memoryLimitMb;
    const cpuLimit = input.cpuLimit === undefined || input.cpuLimit === null ? input.cpuLimit : String(input.cpuLimit);
    if (cpuLimit !== undefined && (cpuLimit === null ? null : Number(cpuLimit)) !== (current.cpuLimit === null ? null : Number(current.cpuLimit))) {
      changes.cpuLimit = cpuLimit;
    }
    const changed = Object.keys(changes);
    if (changed.length === 0) return { database: this.toDto(current), operation: null };
    const recreates = changed.some((field) => field !== 'name');
    const actor = recreates ? await this.actorOf(caller) : null;

    let operation: DatabaseOperationEntity | null;
    try {
      operation = await this.dataSource.transaction(async (manager) => {
        const locked = await this.databases.in(manager).getLocked(team, id);
        if (locked.status === 'deleting') throw deleting();
        if (changes.name !== undefined) {
          await this.assertNameFree(manager, team, current.environmentId, changes.name, id);
          // References name the database: renaming it would leave them resolving nothing.
          await this.envVars.in(manager).refuseRenameWhileReferenced(team, { environmentId: current.environmentId, name: current.name });
        }
        if (changes.publicPort) await this.assertPortFree(manager, current.serverId, changes.publicPort, id);
        const queued = actor ? await this.queue(manager, team, { databaseId: id, kind: 'apply', ...actor }) : null;
        await this.databases.in(manager).change(team, id, { ...changes, updatedAt: new Date() });
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.DatabaseUpdated,
          target: { type: 'database', id },
          metadata: { name: current.name, changed, ...(changes.image ? { image: changes.image } : {}), operationId: queued?.id ?? null },
        });
        return queued;
      });
    } catch (error) {
      throw this.translateWriteError(error, { name: changes.name ?? current.name, publicPort: changes.publicPort ?? null });
    }
    return { database: await this.get(team, id), operation: operation && (await this.dispatch(operation)) };
  }

  /**
   * Marks the database `deleting` and queues the `delete` operation, which removes the container (the
   * volume too with `deleteData`), then the row. Without `deleteData` the volume stays, found again by
   * its label. Asked again after a delete failed, it queues another.
   */
  async remove(caller: Caller, team: TeamScope, id: string, deleteData: boolean): Promise<DatabaseOperationQueuedResponse> {
    const current = await this.databases.get(team, id);
    const actor = await this.actorOf(caller);
    const operation = await this.dataSource.transaction(async (manager) => {
      await this.databases.in(manager).getLocked(team, id);
      const queued = await this.queue(manager, team, { databaseId: id, kind: 'delete', deleteData, ...actor });
      await this.databases.in(manager).change(team, id, { status: 'deleting', statusReason: null, statusReasonCode: null, updatedAt: new Date() });
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.DatabaseDeleted,
        target: { type: 'database', id },
        metadata: { name: current.name, engine: current.engine, serverId: current.serverId, deleteData, operationId: queued.id },
      });
      return queued;
    });
    return { operation: await this.dispatch(operation) };
  }

  /** Start, stop, restart or rotate the password: one operation, refused while another is queued or running. */
  async act(caller: Caller, team: TeamScope, id: string, kind: DatabaseAction): Promise<DatabaseOperationQueuedResponse> {
    const current = await this.databases.get(team, id);
    const actor = await this.actorOf(caller);
    const operation = await this.dataSource.transaction(async (manager) => {
      const locked = await this.databases.in(manager).getLocked(team, id);
      if (locked.status === 'deleting') throw deleting();
      const queued = await this.queue(manager, team, { databaseId: id, kind, ...actor });
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.DatabaseOperationRequested,
        target: { type: 'database', id },
        metadata: { name: current.name, kind, operationId: queued.id },
      });
      return queued;
    });
    return { operation: await this.dispatch(operation) };
  }

  /**
   * The password and what to connect with, for `read:sensitive`. The reveal is recorded before the
   * password leaves, in the audit log only by the fact (never the value).
   */
  async credentials(caller: Caller, team: TeamScope, id: string): Promise<DatabaseCredentialsDto> {
    const current = await this.databases.get(team, id);
    const sealed = await this.databases.sealedPassword(team, id);
    if (sealed === null) throw new AppException(ErrorCode.NotFound, 'No such database');
    const password = this.box.open(sealed, databasePasswordAad(id));
    const credentials: ConnectionCredentials = {
      userName: current.userName ?? REDIS_USER_NAME,
      databaseName: current.databaseName ?? REDIS_DATABASE_NAME,
      password,
    };
    const internalUrl = connectionUrl(
      current.engine,
      { host: this.names.databaseAlias(id), port: DATABASE_INTERNAL_PORTS[current.engine] },
      credentials,
    );
    let publicUrl: string | null = null;
    if (current.publicPort !== null) {
      const server = await this.servers.get(team, current.serverId);
      try {
        publicUrl = connectionUrl(current.engine, { host: server.host.toLowerCase(), port: current.publicPort }, credentials);
      } catch (error) {
        // A host the URL grammar cannot carry: the internal URL still stands.
        this.logger.warn({ err: error, databaseId: id }, 'no public URL for the server’s host');
      }
    }
    await this.dataSource.transaction((manager) =>
      this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.DatabaseCredentialsRevealed,
        target: { type: 'database', id },
        metadata: { name: current.name },
      }),
    );
    return { ...credentials, internalUrl, publicUrl };
  }

  async listOperations(team: TeamScope, databaseId: string, query: PageQuery): Promise<Paginated<DatabaseOperationDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.operations.pageOfDatabase(team, databaseId, { skip: window.skip, take: window.perPage });
    return paginated(rows.map(operationDto), total, window);
  }

  /** An operation of this database only: another database's operation id is as missing as an unknown one. */
  async getOperation(team: TeamScope, databaseId: string, operationId: string): Promise<DatabaseOperationWithLogDto> {
    const row = await this.operations.findOfDatabase(team, databaseId, operationId);
    if (!row) throw new AppException(ErrorCode.NotFound, 'No such database operation');
    return { ...operationDto(row), log: row.log };
  }

  /** The engine's own output (its container's log), through the worker's container operations. */
  async logs(team: TeamScope, id: string, tail: number): Promise<ContainerLogsDto> {
    const current = await this.databases.get(team, id);
    const result = await runContainerOperation(this.jobs, {
      serverId: current.serverId,
      op: 'logs',
      containerId: this.names.databaseAlias(id),
      tail,
    });
    return result.logs ?? { stdout: '', stderr: '' };
  }

  /** The container's CPU and memory from the server's latest check, which samples every container. */
  async stats(team: TeamScope, id: string): Promise<DatabaseStatsDto> {
    const current = await this.databases.get(team, id);
    const alias = this.names.databaseAlias(id);
    const sample = await this.metrics.latestContainers(team, current.serverId, STATS_WINDOW_SECONDS);
    const container = sample?.containers.find((c) => c.name === alias);
    if (!sample || !container) return { sampledAt: null, cpuPercent: null, memoryBytes: null, memoryLimitBytes: null };
    return {
      sampledAt: sample.ts.toISOString(),
      cpuPercent: container.cpuPercent,
      memoryBytes: container.memoryBytes,
      memoryLimitBytes: container.memoryLimitBytes,
    };
  }

  /** A tag the engine can take on its data, of the same repository; null when the change may go ahead. */
  private imageChangeProblem(current: DatabaseEntity, image: string): string | null {
    const from = splitImage(current.image);
    const to = splitImage(image);
    if (to.repository !== from.repository) return `must stay ${from.repository} with another tag: a database changes only its image’s tag`;
    if (image.includes('@')) return 'must name a version tag, not a digest';
    return imageTagChangeProblem(current.engine, from.tag ?? 'latest', to.tag ?? 'latest');
  }

  /**
   * The same check without the lock, for a caller that must refuse a taken name before it does
   * anything else (an uploaded dump restored into a new database); `create` checks again under the lock.
   */
  async assertNameAvailable(team: TeamScope, environmentId: string, name: string): Promise<void> {
    if (await this.databases.nameTakenInEnvironment(team, environmentId, name)) throw nameTaken(name);
  }

  /** Applications and databases of an environment share their names (what references name): checked under the environment's row lock. */
  private async assertNameFree(
    manager: EntityManager,
    team: TeamScope,
    environmentId: string,
    name: string,
    exceptDatabaseId?: string,
  ): Promise<void> {
    await this.environments.in(manager).getLocked(team, environmentId, 'for_no_key_update');
    if (await this.databases.in(manager).nameTakenInEnvironment(team, environmentId, name, exceptDatabaseId)) throw nameTaken(name);
  }

  /** A port is the server's, whatever team's database publishes it (the unique index settles a race). */
  private async assertPortFree(manager: EntityManager, serverId: string, port: number, exceptDatabaseId?: string): Promise<void> {
    if (await this.databases.in(manager).publicPortTaken(serverId, port, exceptDatabaseId)) throw portTaken(port);
  }

  private async actorOf(caller: Caller): Promise<{ userId: string; tokenId: string | null; actorName: string }> {
    const person = await this.users.findById(caller.userId);
    return { userId: caller.userId, tokenId: caller.kind === 'token' ? caller.tokenId : null, actorName: person?.name ?? 'unknown' };
  }

  /** Inserts the operation queued, or answers 409 naming the one already queued or running. */
  private async queue(
    manager: EntityManager,
    team: TeamScope,
    operation: Parameters<DatabaseOperationsRepository['addQueued']>[1],
  ): Promise<DatabaseOperationEntity> {
    const operations = this.operations.in(manager);
    const queued = await operations.addQueued(team, operation);
    if (!queued) throw busy(await operations.activeOf(team, operation.databaseId));
    return queued;
  }

  /**
   * After the commit: the answer is the operation as queued (read before the job exists, so a fast
   * worker cannot race it), then the job. The row is the truth: the worker's reaper queues an
   * operation whose job never reached Redis.
   */
  private async dispatch(operation: DatabaseOperationEntity): Promise<DatabaseOperationDto> {
    const queued = operationDto(operation);
    try {
      await enqueueDatabaseOperation(this.jobs, operation.id);
    } catch (error) {
      this.logger.warn({ err: error, operationId: operation.id }, 'database operation not queued yet; the reaper will queue it');
    }
    return queued;
  }

  /** What the database refused in a race the checks before could not see: a name or port taken meanwhile, an environment or server deleted. */
  private translateWriteError(error: unknown, row: { name: string; publicPort: number | null }): unknown {
    const unique = violatedConstraint(error, PG_UNIQUE_VIOLATION);
    if (unique?.constraint === 'databases_environment_name_key') return nameTaken(row.name);
    if (unique?.constraint === 'databases_server_public_port_key' && row.publicPort !== null) return portTaken(row.publicPort);
    const missing = violatedConstraint(error, PG_FOREIGN_KEY_VIOLATION);
    if (missing?.constraint === 'databases_environment_id_fkey')
      return AppException.validation([{ field: 'environmentId', message: MESSAGES.environmentId }]);
    if (missing?.constraint === 'databases_server_id_fkey') return AppException.validation([{ field: 'serverId', message: MESSAGES.serverId }]);
    return error;
  }
}
