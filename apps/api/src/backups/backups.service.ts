import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  type BackUpNowRequest,
  type BackupDto,
  type BackupListQuery,
  type BackupRunLiveEvent,
  type BackupWithLogDto,
  type CreateRestoreRequest,
  type DatabaseEngine,
  ErrorCode,
  LiveTopics,
  type PageQuery,
  type Paginated,
  type RestoreDto,
  type RestoreStatus,
  type RestoreWithLogDto,
} from '@zpanel/contracts';
import { AppException, InjectLogger } from '@zpanel/core';
import {
  ApplicationMountsRepository,
  ApplicationsRepository,
  type BackupEntity,
  BackupDestinationsRepository,
  BackupsRepository,
  DatabasesRepository,
  type RestoreEntity,
  RestoresRepository,
  type TeamScope,
  UsersRepository,
} from '@zpanel/database';
import { JobProducer, LiveStreams, enqueueBackupRun, enqueueRestoreRun } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import type { Caller } from '../access/caller';
import { AuditService } from '../audit/audit.service';
import { DatabasesService } from '../databases/databases.service';
import { pageWindow, paginated } from '../http/pagination';

const MESSAGES = {
  destinationId: 'destinationId must be the id of one of the team’s backup destinations',
  confirmName: (name: string) => `confirmName must be the name of the database (or volume) it overwrites, ${name}, typed again`,
};

export function toBackupDto(b: BackupEntity): BackupDto {
  return {
    id: b.id,
    teamId: b.teamId,
    scheduleId: b.scheduleId,
    sourceKind: b.sourceKind,
    databaseId: b.databaseId,
    volumeId: b.volumeId,
    // SET NULL once the destination is deleted: the history keeps the backup.
    destinationId: b.destinationId as string,
    trigger: b.trigger,
    status: b.status,
    reason: b.reason,
    reasonCode: b.reasonCode,
    engine: b.engine,
    image: b.image,
    sizeBytes: b.sizeBytes === null ? null : Number(b.sizeBytes),
    dumpBytes: b.dumpBytes === null ? null : Number(b.dumpBytes),
    sha256: b.sha256,
    compression: b.compression,
    location: b.location,
    inventory: b.inventory,
    verification: b.verification,
    verifiedAt: b.verifiedAt?.toISOString() ?? null,
    verificationDetail: b.verificationDetail,
    createdAt: b.createdAt.toISOString(),
    startedAt: b.startedAt?.toISOString() ?? null,
    finishedAt: b.finishedAt?.toISOString() ?? null,
    durationMs: b.startedAt && b.finishedAt ? b.finishedAt.getTime() - b.startedAt.getTime() : null,
  };
}

export function toRestoreDto(r: RestoreEntity): RestoreDto {
  return {
    id: r.id,
    teamId: r.teamId,
    backupId: r.backupId,
    target: r.target,
    databaseId: r.databaseId,
    volumeId: r.volumeId,
    safetyBackupId: r.safetyBackupId,
    status: r.status,
    reason: r.reason,
    reasonCode: r.reasonCode,
    result: r.result,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

export interface Actor {
  userId: string;
  tokenId: string | null;
  actorName: string;
}

/** What a backup or restore is of, checked to be the team's and locked for the transaction that queues one. */
type Source =
  | { kind: 'database'; id: string; name: string; environmentId: string; serverId: string; engine: DatabaseEngine; image: string }
  | { kind: 'volume'; id: string; name: string; serverId: string };

/**
 * Backups and restores of the team's databases and volumes (docs/backups.md, "Routes"): the API
 * checks, records and queues; the worker dumps, stores, verifies and restores (`backup.run`,
 * `restore.run`). Callers are authorized on the backup, restore or source before a method here runs.
 */
@Injectable()
export class BackupsService {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly backups: BackupsRepository,
    private readonly restores: RestoresRepository,
    private readonly destinations: BackupDestinationsRepository,
    private readonly databases: DatabasesRepository,
    private readonly mounts: ApplicationMountsRepository,
    private readonly applications: ApplicationsRepository,
    private readonly users: UsersRepository,
    private readonly databasesService: DatabasesService,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
    private readonly live: LiveStreams,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'backups' });
  }

  async list(team: TeamScope, query: PageQuery & BackupListQuery): Promise<Paginated<BackupDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.backups.pageOf(team, { skip: window.skip, take: window.perPage }, query);
    return paginated(rows.map(toBackupDto), total, window);
  }

  async get(team: TeamScope, id: string): Promise<BackupWithLogDto> {
    const row = await this.backups.get(team, id);
    return { ...toBackupDto(row), log: row.log };
  }

  /** Back up a database now: refused (409) while a backup of it is queued or running. */
  backUpDatabase(caller: Caller, team: TeamScope, databaseId: string, input: BackUpNowRequest): Promise<BackupDto> {
    return this.backUpNow(caller, team, input, (manager) => this.lockDatabase(manager, team, databaseId));
  }

  /** Back up an application's named volume now: refused (409) while a backup of it is queued or running. */
  backUpVolume(caller: Caller, team: TeamScope, volumeId: string, input: BackUpNowRequest): Promise<BackupDto> {
    return this.backUpNow(caller, team, input, (manager) => this.lockVolume(manager, team, volumeId));
  }

  private async backUpNow(
    caller: Caller,
    team: TeamScope,
    input: BackUpNowRequest,
    lockSource: (manager: EntityManager) => Promise<Source>,
  ): Promise<BackupDto> {
    const actor = await this.actorOf(caller);
    const backup = await this.dataSource.transaction(async (manager) => {
      const source = await lockSource(manager);
      await this.requireDestination(manager, team, input.destinationId);
      // Under the source's row lock: two requests at once cannot both pass.
      const active = await this.backups.in(manager).activeOfSource(team, source.kind, source.id);
      if (active) {
        throw new AppException(
          ErrorCode.Conflict,
          `A backup of this ${source.kind} is already ${active.status} (${active.id}): wait until it finishes, or cancel it`,
        );
      }
      const queued = await this.backups.in(manager).addQueued(team, {
        sourceKind: source.kind,
        databaseId: source.kind === 'database' ? source.id : null,
        volumeId: source.kind === 'volume' ? source.id : null,
        serverId: source.serverId,
        destinationId: input.destinationId,
        trigger: 'manual',
        verifyAfterBackup: input.verify ?? true,
        ...(source.kind === 'database' ? { engine: source.engine, image: source.image } : {}),
        ...actor,
      });
      if (!queued) throw new AppException(ErrorCode.Conflict, `A backup of this ${source.kind} is already queued or running`);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.BackupRequested,
        target: { type: 'backup', id: queued.id },
        metadata: {
          sourceKind: source.kind,
          [source.kind === 'database' ? 'databaseId' : 'volumeId']: source.id,
          name: source.name,
          destinationId: input.destinationId,
          verify: input.verify ?? true,
        },
      });
      return queued;
    });
    const dto = toBackupDto(backup);
    await this.dispatch(() => enqueueBackupRun(this.jobs, backup.id), { backupId: backup.id });
    return dto;
  }

  /**
   * A queued backup is cancelled at once (no worker will take it); a running one is flagged, and the
   * worker stops its dump and aborts its upload (nothing half-stored). One statement, so a backup the
   * worker claims meanwhile is flagged rather than marked cancelled behind its back.
   */
  async cancel(caller: Caller, team: TeamScope, id: string): Promise<BackupDto> {
    const status = await this.dataSource.transaction(async (manager) => {
      const outcome = await this.backups.in(manager).requestCancel(team, id);
      if (!outcome) {
        const current = await this.backups.get(team, id);
        throw new AppException(ErrorCode.Conflict, `The backup already finished (${current.status})`);
      }
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.BackupCancelled,
        target: { type: 'backup', id },
        metadata: { status: outcome.status },
      });
      return outcome.status;
    });
    if (status === 'cancelled') {
      await this.sendStatus('backup', id, {
        type: 'status',
        status: 'cancelled',
        reason: 'Cancelled before it started.',
        reasonCode: 'backup.cancelled',
      });
    }
    return toBackupDto(await this.backups.get(team, id));
  }

  /** `POST /backups/{id}/verify`: the `verify` restore of `createRestore`. */
  verify(caller: Caller, team: TeamScope, backupId: string): Promise<RestoreDto> {
    return this.createRestore(caller, team, backupId, { target: 'verify' });
  }

  /**
   * A restore of a succeeded backup. `verify`: into a throwaway container of the backup's engine and
   * image on the source's server. `same`: over its database (or volume), whose name must be typed
   * again; the worker takes a safety backup first. `new` (databases): a new database of the same
   * engine and image in the source's environment and server, created as any database is (its
   * `create` operation), then restored into once it runs.
   */
  async createRestore(caller: Caller, team: TeamScope, backupId: string, input: CreateRestoreRequest): Promise<RestoreDto> {
    const backup = await this.backups.get(team, backupId);
    if (backup.status !== 'succeeded') {
      throw new AppException(ErrorCode.Conflict, `Only a succeeded backup can be restored; this one is ${backup.status}`);
    }
    if (backup.sourceKind === 'instance') throw new AppException(ErrorCode.NotFound, 'No such backup');
    const actor = await this.actorOf(caller);
    let databaseId: string | null = null;
    let serverId = backup.serverId;
    if (input.target === 'new') {
      if (backup.sourceKind !== 'database') {
        throw AppException.validation([
          { field: 'target', message: 'target new is for database backups; a volume backup restores over its volume (same)' },
        ]);
      }
      const source = backup.databaseId === null ? null : await this.databases.find(team, backup.databaseId);
      if (!source) {
        throw new AppException(
          ErrorCode.Conflict,
          'The backup’s database was deleted, so its environment and server are unknown: create a database and restore an uploaded dump into it',
        );
      }
      const created = await this.createRestoreDatabase(caller, team, {
        environmentId: source.environmentId,
        serverId: source.serverId,
        name: input.newDatabaseName as string,
        engine: backup.engine ?? source.engine,
        image: backup.image ?? source.image,
      });
      databaseId = created.id;
      serverId = created.serverId;
    }

    const restore = await this.dataSource.transaction(async (manager) => {
      let volumeId: string | null = null;
      if (input.target === 'same') {
        const source = await this.lockSourceOf(manager, team, backup);
        if (input.confirmName !== source.name) {
          throw AppException.validation([{ field: 'confirmName', message: MESSAGES.confirmName(source.name) }]);
        }
        databaseId = source.kind === 'database' ? source.id : null;
        volumeId = source.kind === 'volume' ? source.id : null;
        serverId = source.serverId;
      }
      const queued = await this.restores.in(manager).addQueued(team, {
        backupId,
        sourceKind: backup.sourceKind,
        target: input.target,
        databaseId,
        volumeId,
        serverId,
        ...actor,
      });
      if (!queued)
        throw new AppException(ErrorCode.Conflict, 'A restore into this database or volume is already queued or running: wait until it finishes');
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.RestoreRequested,
        target: { type: 'restore', id: queued.id },
        metadata: { backupId, target: input.target, databaseId, volumeId },
      });
      return queued;
    });
    const dto = toRestoreDto(restore);
    await this.dispatch(() => enqueueRestoreRun(this.jobs, restore.id), { restoreId: restore.id });
    return dto;
  }

  /**
   * The database a `new` restore goes into: created as any database is (its `create` operation) in
   * the source's environment and server, with the dump's engine and image; the restore waits until it runs.
   */
  async createRestoreDatabase(
    caller: Caller,
    team: TeamScope,
    input: { environmentId: string; serverId: string; name: string; engine: DatabaseEngine; image: string },
  ): Promise<{ id: string; serverId: string }> {
    const created = await this.databasesService.create(caller, team, input);
    return { id: created.database.id, serverId: created.database.serverId };
  }

  /**
   * Before an upload streams into a `new` restore: the name taken is refused (409 naming `name`) while
   * nothing exists yet; `createRestoreDatabase` checks it again under the environment's lock.
   */
  async assertNewDatabaseNameFree(team: TeamScope, environmentId: string, name: string): Promise<void> {
    await this.databasesService.assertNameAvailable(team, environmentId, name);
  }

  async listRestores(
    team: TeamScope,
    query: PageQuery & { backupId?: string; databaseId?: string; status?: RestoreStatus },
  ): Promise<Paginated<RestoreDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.restores.pageOf(team, { skip: window.skip, take: window.perPage }, query);
    return paginated(rows.map(toRestoreDto), total, window);
  }

  async getRestore(team: TeamScope, id: string): Promise<RestoreWithLogDto> {
    const row = await this.restores.get(team, id);
    return { ...toRestoreDto(row), log: row.log };
  }

  /** The destination must be the team's: another team's id is one that does not exist (400 naming the field). */
  async requireDestination(manager: EntityManager | null, team: TeamScope, destinationId: string) {
    const destination = await (manager ? this.destinations.in(manager) : this.destinations).find(team, destinationId);
    if (!destination) throw AppException.validation([{ field: 'destinationId', message: MESSAGES.destinationId }]);
    return destination;
  }

  async lockDatabase(manager: EntityManager, team: TeamScope, databaseId: string): Promise<Source> {
    const database = await this.databases.in(manager).getLocked(team, databaseId, 'for_no_key_update');
    if (database.status === 'deleting') throw new AppException(ErrorCode.Conflict, 'The database is being deleted');
    return {
      kind: 'database',
      id: database.id,
      name: database.name,
      environmentId: database.environmentId,
      serverId: database.serverId,
      engine: database.engine,
      image: database.image,
    };
  }

  private async lockVolume(manager: EntityManager, team: TeamScope, volumeId: string): Promise<Source> {
    const mount = await this.mounts.in(manager).getLocked(team, volumeId, 'for_no_key_update');
    if (mount.kind !== 'volume') throw new AppException(ErrorCode.NotFound, 'No such volume');
    const application = await this.applications.in(manager).get(team, mount.applicationId);
    return { kind: 'volume', id: mount.id, name: mount.name ?? '', serverId: application.serverId };
  }

  private async lockSourceOf(manager: EntityManager, team: TeamScope, backup: BackupEntity): Promise<Source> {
    const id = backup.sourceKind === 'database' ? backup.databaseId : backup.volumeId;
    if (id === null) {
      throw new AppException(ErrorCode.Conflict, `The backup’s ${backup.sourceKind} was deleted: restore it into a new database instead`);
    }
    try {
      return backup.sourceKind === 'database' ? await this.lockDatabase(manager, team, id) : await this.lockVolume(manager, team, id);
    } catch (error) {
      if (error instanceof AppException && error.code === ErrorCode.NotFound) {
        throw new AppException(ErrorCode.Conflict, `The backup’s ${backup.sourceKind} was deleted: restore it into a new database instead`);
      }
      throw error;
    }
  }

  async actorOf(caller: Caller): Promise<Actor> {
    const person = await this.users.findById(caller.userId);
    return { userId: caller.userId, tokenId: caller.kind === 'token' ? caller.tokenId : null, actorName: person?.name ?? 'unknown' };
  }

  /** After the commit: the row is the truth, and the worker's reaper queues a queued run whose job never reached Redis. */
  async dispatch(enqueue: () => Promise<unknown>, ids: Record<string, string>): Promise<void> {
    try {
      await enqueue();
    } catch (error) {
      this.logger.warn({ err: error, ...ids }, 'backup or restore not queued yet; the reaper will queue it');
    }
  }

  async sendStatus(kind: 'backup' | 'restore', id: string, event: BackupRunLiveEvent): Promise<void> {
    const topic = kind === 'backup' ? LiveTopics.backup(id) : LiveTopics.restore(id);
    await this.live.append(topic, event).catch((error: unknown) => this.logger.warn({ err: error, id, kind }, 'status not sent live'));
  }
}
