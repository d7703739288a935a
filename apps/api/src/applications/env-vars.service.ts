import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  type BulkEnvRequest,
  ENV_VARS_MAX_PER_SCOPE,
  type EnvVarDto,
  type EnvVarScope,
  ErrorCode,
  type FieldError,
  type UpsertEnvVarRequest,
} from '@zpanel/contracts';
import { AppException, SecretBox, parseDotenv } from '@zpanel/core';
import { ApplicationEntity, EnvVarEntity, EnvironmentEntity, envVarAad } from '@zpanel/database';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../access/caller';
import { envValueProblem } from './field-validation';

/** Whose variables: an environment's (shared by its applications) or an application's own (they win). */
export interface EnvOwner {
  scope: EnvVarScope;
  id: string;
}

/** A preview override belongs to the application it applies to the previews of (`preview` set). */
const columnsOf = (owner: EnvOwner) =>
  owner.scope === 'environment'
    ? { environmentId: owner.id, applicationId: null, preview: false }
    : { applicationId: owner.id, environmentId: null, preview: owner.scope === 'preview' };
/** Rows of the owner: the other owner column is NULL on them (a CHECK says so). */
const whereOwner = (owner: EnvOwner) =>
  owner.scope === 'environment' ? { environmentId: owner.id } : { applicationId: owner.id, preview: owner.scope === 'preview' };
const SCOPE_WORDS: Record<EnvVarScope, string> = {
  environment: 'environment',
  application: 'application',
  preview: 'application’s preview overrides',
};
const bothOff = (): FieldError => ({ field: 'runtime', message: 'a variable must be available at build time, at run time, or both' });

/**
 * Variables of environments and applications. Values are sealed with the instance key, bound to
 * their owner and key, and opened only for a caller allowed to read secrets. Logs and the audit
 * log get keys, never values.
 */
@Injectable()
export class EnvVarsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
  ) {}

  /** The team of the variables' owner, for access checks (undefined when there is no such owner). */
  async teamOfOwner(owner: EnvOwner): Promise<string | undefined> {
    const entity = owner.scope === 'environment' ? EnvironmentEntity : ApplicationEntity;
    return (await this.dataSource.getRepository(entity).findOne({ where: { id: owner.id }, select: { id: true, teamId: true } }))?.teamId;
  }

  /** What the application gets: its environment's variables, overridden key by key by its own. */
  async effective(applicationId: string, reveal: boolean): Promise<EnvVarDto[]> {
    const application = await this.dataSource.getRepository(ApplicationEntity).findOneByOrFail({ id: applicationId });
    const repo = this.dataSource.getRepository(EnvVarEntity);
    const own = await repo.find({ where: { applicationId, preview: false }, order: { key: 'ASC' } });
    const ownKeys = new Set(own.map((v) => v.key));
    const shared = (await repo.find({ where: { environmentId: application.environmentId }, order: { key: 'ASC' } })).filter(
      (v) => !ownKeys.has(v.key),
    );
    return [...own, ...shared].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((row) => this.toDto(row, reveal));
  }

  async list(owner: EnvOwner, reveal: boolean): Promise<EnvVarDto[]> {
    const rows = await this.dataSource.getRepository(EnvVarEntity).find({ where: whereOwner(owner), order: { key: 'ASC' } });
    return rows.map((row) => this.toDto(row, reveal));
  }

  /** Sets one variable; flags left out keep their value (build time off, run time on for a new one). */
  async upsert(caller: Caller, owner: EnvOwner, key: string, input: UpsertEnvVarRequest, reveal: boolean): Promise<EnvVarDto> {
    const row = await this.dataSource.transaction(async (manager) => {
      const teamId = await this.lockOwner(manager, owner);
      const repo = manager.getRepository(EnvVarEntity);
      const existing = await repo.findOneBy({ ...whereOwner(owner), key });
      const buildTime = input.buildTime ?? existing?.buildTime ?? false;
      const runtime = input.runtime ?? existing?.runtime ?? true;
      if (!buildTime && !runtime) throw AppException.validation([bothOff()]);
      if (!existing && (await repo.countBy(whereOwner(owner))) >= ENV_VARS_MAX_PER_SCOPE) {
        throw new AppException(ErrorCode.Conflict, `At most ${ENV_VARS_MAX_PER_SCOPE} variables per ${SCOPE_WORDS[owner.scope]}`, [
          { field: 'key', message: 'no room for another variable' },
        ]);
      }
      const value = this.box.seal(input.value, envVarAad(columnsOf(owner), key));
      const saved = existing
        ? await repo.save({ ...existing, value, buildTime, runtime })
        : await repo.save({ teamId, ...columnsOf(owner), key, value, buildTime, runtime });
      await this.recordChange(manager, caller, teamId, owner, { set: [key], removed: [] });
      return saved;
    });
    return this.toDto(row, reveal);
  }

  async remove(caller: Caller, owner: EnvOwner, key: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const teamId = await this.lockOwner(manager, owner);
      const { affected } = await manager.getRepository(EnvVarEntity).delete({ ...whereOwner(owner), key });
      if (!affected) throw new AppException(ErrorCode.NotFound, `No variable ${key} in this ${SCOPE_WORDS[owner.scope]}`);
      await this.recordChange(manager, caller, teamId, owner, { set: [], removed: [key] });
    });
  }

  /**
   * Replaces the owner's variables with those of a `.env` text, in one transaction: keys absent
   * from the text are deleted, unchanged ones are left alone. Any problem refuses the whole text,
   * one error per problem, before anything is written.
   */
  async replace(caller: Caller, owner: EnvOwner, input: BulkEnvRequest): Promise<void> {
    const parsed = parseDotenv(input.dotenv);
    if (!parsed.ok) throw AppException.validation(parsed.problems.map((p) => ({ field: 'dotenv', message: `line ${p.line}: ${p.message}` })));
    const problems: FieldError[] = parsed.entries.flatMap(({ key, value }) => {
      const problem = envValueProblem(value);
      return problem ? [{ field: 'dotenv', message: `${key}: the value ${problem}` }] : [];
    });
    if (parsed.entries.length > ENV_VARS_MAX_PER_SCOPE)
      problems.push({ field: 'dotenv', message: `at most ${ENV_VARS_MAX_PER_SCOPE} variables (got ${parsed.entries.length})` });
    const buildTime = input.buildTime ?? false;
    const runtime = input.runtime ?? true;
    if (!buildTime && !runtime) problems.push(bothOff());
    if (problems.length > 0) throw AppException.validation(problems);

    await this.dataSource.transaction(async (manager) => {
      const teamId = await this.lockOwner(manager, owner);
      const repo = manager.getRepository(EnvVarEntity);
      const existing = new Map((await repo.findBy(whereOwner(owner))).map((row) => [row.key, row]));
      const set: string[] = [];
      for (const { key, value } of parsed.entries) {
        const row = existing.get(key);
        existing.delete(key);
        if (row && row.buildTime === buildTime && row.runtime === runtime && this.open(row) === value) continue;
        const sealed = this.box.seal(value, envVarAad(columnsOf(owner), key));
        await repo.save(
          row ? { ...row, value: sealed, buildTime, runtime } : { teamId, ...columnsOf(owner), key, value: sealed, buildTime, runtime },
        );
        set.push(key);
      }
      const removed = [...existing.keys()];
      if (removed.length > 0) await repo.delete([...existing.values()].map((row) => row.id));
      if (set.length > 0 || removed.length > 0) await this.recordChange(manager, caller, teamId, owner, { set, removed: removed.sort() });
    });
  }

  /**
   * Serializes writes to one owner's variables (a count check and a bulk replace stay true until
   * commit); NO KEY UPDATE leaves other writers of the row's children alone.
   */
  private async lockOwner(manager: EntityManager, owner: EnvOwner): Promise<string> {
    const entity = owner.scope === 'environment' ? EnvironmentEntity : ApplicationEntity;
    const row = await manager
      .getRepository(entity)
      .findOneOrFail({ where: { id: owner.id }, select: { id: true, teamId: true }, lock: { mode: 'for_no_key_update' } });
    return row.teamId;
  }

  private recordChange(
    manager: EntityManager,
    caller: Caller,
    teamId: string,
    owner: EnvOwner,
    keys: { set: string[]; removed: string[] },
  ): Promise<void> {
    const target = { type: owner.scope === 'environment' ? 'environment' : 'application', id: owner.id } as const;
    return this.audit.record(
      { action: AuditAction.EnvVarsChanged, teamId, actor: caller, target, metadata: owner.scope === 'preview' ? { ...keys, preview: true } : keys },
      manager,
    );
  }

  private open(row: EnvVarEntity): string {
    return this.box.open(row.value, envVarAad(row, row.key));
  }

  private toDto(row: EnvVarEntity, reveal: boolean): EnvVarDto {
    return {
      id: row.id,
      scope: row.environmentId ? 'environment' : row.preview ? 'preview' : 'application',
      key: row.key,
      value: reveal ? this.open(row) : null,
      masked: !reveal,
      buildTime: row.buildTime,
      runtime: row.runtime,
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
