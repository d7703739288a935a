import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  BACKUP_LIMITS,
  type BackupDestinationCheckDto,
  type BackupDestinationCheckJob,
  type BackupDestinationDto,
  type BackupDestinationKeyDto,
  ErrorCode,
  type FieldError,
  JobName,
  backupDestinationCheckAad,
} from '@zpanel/contracts';
import {
  AddressPolicy,
  type AppConfig,
  AppException,
  InjectConfig,
  SecretBox,
  backupDataKeyId,
  backupPrefixProblem,
  bindHostPathProblem,
  bucketNameProblem,
  newBackupDataKey,
  openBackupDataKey,
  s3EndpointProblem,
  s3KeyProblem,
  s3RegionProblem,
  sealBackupDataKey,
} from '@zpanel/core';
import {
  type BackupDestinationEntity,
  type BackupDestinationFields,
  BackupDestinationsRepository,
  BackupSchedulesRepository,
  BackupsRepository,
  ServersRepository,
  type TeamScope,
  backupSecretKeyAad,
} from '@zpanel/database';
import { JobProducer } from '@zpanel/queue';
import { DataSource } from 'typeorm';
import type { Caller } from '../access/caller';
import { PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION, violatedConstraint } from '../applications/pg-errors';
import { AuditService } from '../audit/audit.service';
import type { CreateBackupDestinationDto, UpdateBackupDestinationDto } from './backup-destinations.dto';

/** Write, read back and delete a small object: a slow storage still answers well within this. */
const CHECK_TIMEOUT_MS = 30_000;
const DEFAULT_REGION = 'us-east-1';
const S3_FIELDS = ['endpoint', 'region', 'bucket', 'prefix', 'forcePathStyle', 'accessKeyId', 'secretAccessKey'] as const;
const SERVER_FIELDS = ['serverId', 'path'] as const;

const nameTaken = (name: string) =>
  new AppException(ErrorCode.Conflict, `A backup destination named ${name} exists already`, [
    { field: 'name', message: `name ${name} is already used by another backup destination of the team` },
  ]);

type S3Settings = Pick<BackupDestinationEntity, 'endpoint' | 'region' | 'bucket' | 'prefix' | 'forcePathStyle' | 'accessKeyId'>;

/**
 * Backup destinations (docs/backups.md, "Destinations"): the settings are checked field by field,
 * then by the storage itself (the worker's `backup-destination.check` job writes, reads back and
 * deletes a small object); a failure is a 400 with the storage's words and nothing is saved. The S3
 * secret and the data key are sealed bound to the row and never returned; the key route reveals the
 * data key (audited). Callers are authorized on the destination (or its team) first.
 */
@Injectable()
export class BackupDestinationsService {
  private readonly addresses: AddressPolicy;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly destinations: BackupDestinationsRepository,
    private readonly schedules: BackupSchedulesRepository,
    private readonly backups: BackupsRepository,
    private readonly servers: ServersRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
    private readonly box: SecretBox,
    @InjectConfig() config: AppConfig,
  ) {
    this.addresses = new AddressPolicy(config.network);
  }

  async list(team: TeamScope): Promise<BackupDestinationDto[]> {
    const rows = await this.destinations.listOf(team);
    const counts = await this.backups.storedPerDestination(
      team,
      rows.map((row) => row.id),
    );
    return rows.map((row) => toDto(row, counts.get(row.id) ?? 0));
  }

  async get(team: TeamScope, id: string): Promise<BackupDestinationDto> {
    const row = await this.destinations.get(team, id);
    const counts = await this.backups.storedPerDestination(team, [id]);
    return toDto(row, counts.get(id) ?? 0);
  }

  async create(caller: Caller, team: TeamScope, body: CreateBackupDestinationDto): Promise<BackupDestinationDto> {
    const other = body.kind === 's3' ? SERVER_FIELDS : S3_FIELDS;
    refuse(
      other
        .filter((field) => body[field] !== undefined)
        .map((field) => ({ field, message: `${field} is not a setting of a ${body.kind} destination` })),
    );
    if ((await this.destinations.countOf(team)) >= BACKUP_LIMITS.destinationsPerTeam)
      throw new AppException(ErrorCode.Conflict, `A team has at most ${BACKUP_LIMITS.destinationsPerTeam} backup destinations`);
    if (await this.destinations.nameTaken(team, body.name)) throw nameTaken(body.name);

    const id = randomUUID();
    let fields: Omit<BackupDestinationFields, 'dataKey' | 'dataKeyId' | 'secretAccessKey'>;
    let secret: string | null = null;
    if (body.kind === 's3') {
      const s3 = await this.checkedS3(body, true);
      secret = body.secretAccessKey as string;
      fields = { name: body.name, kind: 's3', ...s3, serverId: null, path: null };
      await this.mustPass({ kind: 's3', teamId: team.teamId, ...s3Job(s3), ...this.sealForCheck(team, secret) });
    } else {
      const { serverId, path } = await this.checkedServer(team, body.serverId, body.path);
      fields = { name: body.name, kind: 'server', ...NO_S3, serverId, path };
      await this.mustPass({ kind: 'server', teamId: team.teamId, serverId, path });
    }

    const key = newBackupDataKey();
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.destinations.in(manager).add(team, id, {
          ...fields,
          secretAccessKey: secret === null ? null : this.box.seal(secret, backupSecretKeyAad(id)),
          dataKey: sealBackupDataKey(this.box, id, key),
          dataKeyId: backupDataKeyId(key),
        });
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.BackupDestinationCreated,
          target: { type: 'backup_destination', id },
          metadata: { name: body.name, kind: body.kind },
        });
      });
    } catch (error) {
      if (violatedConstraint(error, PG_UNIQUE_VIOLATION)) throw nameTaken(body.name);
      throw error;
    }
    return this.get(team, id);
  }

  async update(caller: Caller, team: TeamScope, id: string, body: UpdateBackupDestinationDto): Promise<BackupDestinationDto> {
    const current = await this.destinations.get(team, id);
    const other = current.kind === 's3' ? (['path'] as const) : S3_FIELDS;
    refuse(
      other
        .filter((field) => body[field] !== undefined)
        .map((field) => ({ field, message: `${field} is not a setting of a ${current.kind} destination` })),
    );
    if (body.name !== undefined && body.name !== current.name && (await this.destinations.nameTaken(team, body.name, id))) throw nameTaken(body.name);

    const changes: Partial<BackupDestinationFields> = {};
    if (body.name !== undefined && body.name !== current.name) changes.name = body.name;
    if (current.kind === 's3') {
      const merged = { ...pickS3(current), ...definedOf(body, S3_FIELDS) };
      const s3 = await this.checkedS3(merged, body.secretAccessKey !== undefined);
      const changedS3 = S3_FIELDS.filter((field) => field !== 'secretAccessKey' && body[field] !== undefined && s3[field] !== current[field]);
      if (changedS3.length > 0 || body.secretAccessKey !== undefined) {
        const sealed =
          body.secretAccessKey !== undefined
            ? this.sealForCheck(team, body.secretAccessKey)
            : { sealedSecretAccessKey: await this.sealedSecret(team, id), secretAad: backupSecretKeyAad(id) };
        await this.mustPass({ kind: 's3', teamId: team.teamId, ...s3Job(s3), ...sealed });
        for (const field of changedS3) (changes as Record<string, unknown>)[field] = s3[field as keyof S3Settings];
        if (body.secretAccessKey !== undefined) changes.secretAccessKey = this.box.seal(body.secretAccessKey, backupSecretKeyAad(id));
      }
    } else if (body.path !== undefined && body.path !== current.path) {
      const { serverId, path } = await this.checkedServer(team, current.serverId as string, body.path);
      await this.mustPass({ kind: 'server', teamId: team.teamId, serverId, path });
      changes.path = path;
    }
    const changed = Object.keys(changes);
    if (changed.length > 0) {
      try {
        await this.dataSource.transaction(async (manager) => {
          await this.destinations.in(manager).change(team, id, changes);
          await this.audit.recordInTeam(manager, team, caller, {
            action: AuditAction.BackupDestinationUpdated,
            target: { type: 'backup_destination', id },
            metadata: { name: changes.name ?? current.name, changed },
          });
        });
      } catch (error) {
        if (violatedConstraint(error, PG_UNIQUE_VIOLATION)) throw nameTaken(body.name ?? current.name);
        throw error;
      }
    }
    return this.get(team, id);
  }

  /** Refused while schedules write there or backups are stored (or being stored) there: their objects would be orphaned. */
  async remove(caller: Caller, team: TeamScope, id: string): Promise<void> {
    const current = await this.destinations.get(team, id);
    const inUse = (what: string) => new AppException(ErrorCode.Conflict, `The destination ${current.name} ${what}: delete them first`);
    const schedules = await this.schedules.countUsingDestination(id);
    if (schedules > 0) throw inUse(`is used by ${schedules} backup schedule(s)`);
    const held = await this.backups.countHeldIn(id);
    if (held > 0) throw inUse(`holds ${held} backup(s)`);
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.destinations.in(manager).deleteOne(team, id);
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.BackupDestinationDeleted,
          target: { type: 'backup_destination', id },
          metadata: { name: current.name, kind: current.kind },
        });
      });
    } catch (error) {
      // A schedule made meanwhile (the foreign key) refuses it too.
      if (violatedConstraint(error, PG_FOREIGN_KEY_VIOLATION)) throw inUse('is used by a backup schedule');
      throw error;
    }
  }

  /** The write-read-delete probe on the saved settings, answered in the storage's words. */
  async check(team: TeamScope, id: string): Promise<BackupDestinationCheckDto> {
    const current = await this.destinations.get(team, id);
    const job: BackupDestinationCheckJob =
      current.kind === 's3'
        ? {
            kind: 's3',
            teamId: team.teamId,
            ...s3Job(pickS3(current) as Required<S3Settings>),
            sealedSecretAccessKey: await this.sealedSecret(team, id),
            secretAad: backupSecretKeyAad(id),
          }
        : { kind: 'server', teamId: team.teamId, serverId: current.serverId as string, path: current.path as string };
    const started = Date.now();
    const result = await this.runCheck(job);
    return {
      ok: result.ok,
      error: result.ok ? null : result.message,
      checkedAt: new Date().toISOString(),
      latencyMs: result.ok ? result.latencyMs : Date.now() - started,
    };
  }

  /** The data key, to decrypt this destination's backups without Zpanel; every read is audited. */
  async key(caller: Caller, team: TeamScope, id: string): Promise<BackupDestinationKeyDto> {
    const current = await this.destinations.get(team, id);
    const sealed = await this.destinations.sealedKeys(team, id);
    if (!sealed) throw new AppException(ErrorCode.NotFound, 'No such backup destination');
    const key = openBackupDataKey(this.box, id, sealed.dataKey);
    await this.dataSource.transaction((manager) =>
      this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.BackupDestinationKeyRevealed,
        target: { type: 'backup_destination', id },
        metadata: { name: current.name, keyId: current.dataKeyId },
      }),
    );
    return { keyId: current.dataKeyId, key: key.toString('base64') };
  }

  /** Each S3 field by its rule, then the endpoint's address by the outbound policy; `withSecret`: the secret is being set. */
  private async checkedS3(
    input: Partial<Record<(typeof S3_FIELDS)[number], unknown>>,
    withSecret: boolean,
  ): Promise<Required<Omit<S3Settings, 'prefix'>> & { prefix: string | null }> {
    const problems: FieldError[] = [];
    const check = (field: string, problem: string | null) => problem && problems.push({ field, message: `${field} ${problem}` });
    const required = (field: (typeof S3_FIELDS)[number]) =>
      input[field] === undefined && problems.push({ field, message: `${field} is required for an s3 destination` });
    for (const field of ['endpoint', 'bucket', 'accessKeyId'] as const) required(field);
    if (withSecret) required('secretAccessKey');
    if (problems.length === 0) {
      check('endpoint', s3EndpointProblem(input.endpoint));
      check('region', s3RegionProblem(input.region ?? undefined));
      check('bucket', bucketNameProblem(input.bucket));
      check('prefix', backupPrefixProblem(input.prefix));
      check('accessKeyId', s3KeyProblem(input.accessKeyId));
      if (withSecret) check('secretAccessKey', s3KeyProblem(input.secretAccessKey));
    }
    refuse(problems);
    const endpoint = input.endpoint as string;
    const refused = await this.addresses.problem(new URL(endpoint).hostname.replace(/^\[|\]$/g, ''), 'outbound');
    if (refused) refuse([{ field: 'endpoint', message: `endpoint ${refused}` }]);
    return {
      endpoint,
      region: (input.region as string | undefined) || DEFAULT_REGION,
      bucket: input.bucket as string,
      prefix: (input.prefix as string | null | undefined) || null,
      forcePathStyle: (input.forcePathStyle as boolean | undefined) ?? false,
      accessKeyId: input.accessKeyId as string,
    };
  }

  /** One of the team's servers, and a directory under one of the roots its owners allowed. */
  private async checkedServer(team: TeamScope, serverId: string | undefined, path: string | undefined): Promise<{ serverId: string; path: string }> {
    const problems: FieldError[] = [];
    if (serverId === undefined) problems.push({ field: 'serverId', message: 'serverId is required for a server destination' });
    if (path === undefined) problems.push({ field: 'path', message: 'path is required for a server destination' });
    refuse(problems);
    const server = await this.servers.find(team, serverId as string);
    if (!server) refuse([{ field: 'serverId', message: 'serverId must be the id of one of the team’s servers' }]);
    const problem = bindHostPathProblem(path, server!.allowedBindRoots);
    if (problem) refuse([{ field: 'path', message: `path ${problem}` }]);
    return { serverId: serverId as string, path: path as string };
  }

  /** A new secret travels to the worker sealed, bound to the team's checks, never in the clear through Redis. */
  private sealForCheck(team: TeamScope, secret: string): { sealedSecretAccessKey: string; secretAad: string } {
    const secretAad = backupDestinationCheckAad(team.teamId);
    return { sealedSecretAccessKey: this.box.seal(secret, secretAad), secretAad };
  }

  private async sealedSecret(team: TeamScope, id: string): Promise<string> {
    const sealed = (await this.destinations.sealedKeys(team, id))?.secretAccessKey;
    if (!sealed) throw new AppException(ErrorCode.NotFound, 'No such backup destination');
    return sealed;
  }

  private async runCheck(job: BackupDestinationCheckJob) {
    try {
      return await this.jobs.enqueueAndWait(JobName.BackupDestinationCheck, job, CHECK_TIMEOUT_MS);
    } catch {
      throw new AppException(
        ErrorCode.WorkerUnavailable,
        'The destination was not checked in time: check that the worker runs and the storage answers',
      );
    }
  }

  /** Nothing is saved unless the storage took a write, a read and a delete. */
  private async mustPass(job: BackupDestinationCheckJob): Promise<void> {
    const result = await this.runCheck(job);
    if (!result.ok) throw new AppException(ErrorCode.ValidationFailed, `The destination failed its check: ${result.message}`);
  }
}

const NO_S3 = { endpoint: null, region: null, bucket: null, prefix: null, forcePathStyle: null, accessKeyId: null } as const;

function refuse(problems: FieldError[]): void {
  if (problems.length > 0) throw AppException.validation(problems);
}

function pickS3(row: BackupDestinationEntity): S3Settings {
  return {
    endpoint: row.endpoint,
    region: row.region,
    bucket: row.bucket,
    prefix: row.prefix,
    forcePathStyle: row.forcePathStyle,
    accessKeyId: row.accessKeyId,
  };
}

function definedOf<T extends object, K extends keyof T>(body: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => body[key] !== undefined).map((key) => [key, body[key]])) as Partial<Pick<T, K>>;
}

function s3Job(
  s3: S3Settings,
): Pick<Extract<BackupDestinationCheckJob, { kind: 's3' }>, 'endpoint' | 'region' | 'bucket' | 'prefix' | 'forcePathStyle' | 'accessKeyId'> {
  return {
    endpoint: s3.endpoint as string,
    region: s3.region as string,
    bucket: s3.bucket as string,
    prefix: s3.prefix ?? '',
    forcePathStyle: s3.forcePathStyle as boolean,
    accessKeyId: s3.accessKeyId as string,
  };
}

function toDto(row: BackupDestinationEntity, backupCount: number): BackupDestinationDto {
  return {
    id: row.id,
    teamId: row.teamId,
    name: row.name,
    kind: row.kind,
    endpoint: row.endpoint,
    region: row.region,
    bucket: row.bucket,
    prefix: row.prefix,
    forcePathStyle: row.forcePathStyle,
    accessKeyId: row.accessKeyId,
    serverId: row.serverId,
    path: row.path,
    keyId: row.dataKeyId,
    backupCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
