import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  type BulkEnvRequest,
  type DatabaseReference,
  ENV_VARS_MAX_PER_SCOPE,
  type EnvVarDto,
  type EnvVarScope,
  ErrorCode,
  type FieldError,
  type UpsertEnvVarRequest,
} from '@zpanel/contracts';
import { AppException, SecretBox, distinctReferences, formatReference, parseDotenv, parseValueReferences } from '@zpanel/core';
import {
  ApplicationsRepository,
  DatabasesRepository,
  type EnvOwner,
  type EnvVarEntity,
  EnvVarsRepository,
  EnvironmentsRepository,
  type TeamScope,
  envOwnerColumns,
  envVarAad,
  referencesOf,
  storedReference,
} from '@zpanel/database';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../access/caller';
import { envValueProblem } from './field-validation';

const SCOPE_WORDS: Record<EnvVarScope, string> = {
  environment: 'environment',
  application: 'application',
  preview: 'application’s preview overrides',
};
const bothOff = (): FieldError => ({ field: 'runtime', message: 'a variable must be available at build time, at run time, or both' });

/** A value's database references, each once, or the problem with its `${{ }}` syntax. */
function referencesIn(value: string): { references: DatabaseReference[] } | { problem: string } {
  const parsed = parseValueReferences(value);
  return parsed.ok ? { references: distinctReferences(parsed.references) } : { problem: parsed.problem };
}

/** Where an owner's references resolve: its environment, and the server of an application (null for an environment's shared variables). */
interface OwnerPlace {
  environmentId: string;
  serverId: string | null;
}

/** A variable about to be written, with what its value references. */
interface LinkedKey {
  key: string;
  references: DatabaseReference[];
}

/**
 * Variables of environments and applications. Values are sealed with the instance key, bound to
 * their owner and key, and opened only for a caller allowed to read secrets. Logs and the audit
 * log get keys, never values.
 */
@Injectable()
export class EnvVarsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly variables: EnvVarsRepository,
    private readonly environments: EnvironmentsRepository,
    private readonly applications: ApplicationsRepository,
    private readonly databases: DatabasesRepository,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
  ) {}

  /** What the application gets: its environment's variables, overridden key by key by its own. */
  async effective(team: TeamScope, applicationId: string, reveal: boolean): Promise<EnvVarDto[]> {
    const application = await this.applications.get(team, applicationId);
    const { own, shared } = await this.variables.ownAndShared(team, application);
    const ownKeys = new Set(own.map((v) => v.key));
    return [...own, ...shared.filter((v) => !ownKeys.has(v.key))]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((row) => this.toDto(row, reveal));
  }

  async list(team: TeamScope, owner: EnvOwner, reveal: boolean): Promise<EnvVarDto[]> {
    const rows = await this.variables.ofOwner(team, owner);
    return rows.map((row) => this.toDto(row, reveal));
  }

  /** Sets one variable; flags left out keep their value (build time off, run time on for a new one). */
  async upsert(caller: Caller, team: TeamScope, owner: EnvOwner, key: string, input: UpsertEnvVarRequest, reveal: boolean): Promise<EnvVarDto> {
    const linked = referencesIn(input.value);
    if ('problem' in linked) throw AppException.validation([{ field: 'value', message: `value of ${key}: ${linked.problem}` }]);
    const { references } = linked;
    const row = await this.dataSource.transaction(async (manager) => {
      const place = await this.lockOwner(manager, team, owner, references.length > 0);
      const unlinked = await this.unlinked(manager, team, place, [{ key, references }]);
      if (unlinked.length > 0) throw AppException.validation(unlinked.map(({ message }) => ({ field: 'value', message: `value of ${message}` })));
      const variables = this.variables.in(manager);
      const existing = await variables.findKey(team, owner, key);
      const buildTime = input.buildTime ?? existing?.buildTime ?? false;
      const runtime = input.runtime ?? existing?.runtime ?? true;
      if (!buildTime && !runtime) throw AppException.validation([bothOff()]);
      if (!existing && (await variables.countOfOwner(team, owner)) >= ENV_VARS_MAX_PER_SCOPE) {
        throw new AppException(ErrorCode.Conflict, `At most ${ENV_VARS_MAX_PER_SCOPE} variables per ${SCOPE_WORDS[owner.scope]}`, [
          { field: 'key', message: 'no room for another variable' },
        ]);
      }
      const value = this.box.seal(input.value, envVarAad(envOwnerColumns(owner), key));
      const saved = await variables.put(team, owner, key, { value, buildTime, runtime, references }, existing ?? undefined);
      await this.recordChange(manager, caller, team, owner, { set: [key], removed: [] });
      return saved;
    });
    return this.toDto(row, reveal);
  }

  async remove(caller: Caller, team: TeamScope, owner: EnvOwner, key: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.lockOwner(manager, team, owner);
      if (!(await this.variables.in(manager).deleteKey(team, owner, key)))
        throw new AppException(ErrorCode.NotFound, `No variable ${key} in this ${SCOPE_WORDS[owner.scope]}`);
      await this.recordChange(manager, caller, team, owner, { set: [], removed: [key] });
    });
  }

  /**
   * Replaces the owner's variables with those of a `.env` text, in one transaction: keys absent
   * from the text are deleted, unchanged ones are left alone. Any problem refuses the whole text,
   * one error per problem, before anything is written.
   */
  async replace(caller: Caller, team: TeamScope, owner: EnvOwner, input: BulkEnvRequest): Promise<void> {
    const parsed = parseDotenv(input.dotenv);
    if (!parsed.ok) throw AppException.validation(parsed.problems.map((p) => ({ field: 'dotenv', message: `line ${p.line}: ${p.message}` })));
    const linked: LinkedKey[] = [];
    const problems: FieldError[] = parsed.entries.flatMap(({ key, value }) => {
      const problem = envValueProblem(value);
      if (problem) return [{ field: 'dotenv', message: `${key}: the value ${problem}` }];
      const references = referencesIn(value);
      if ('problem' in references) return [{ field: 'dotenv', message: `${key}: ${references.problem}` }];
      linked.push({ key, references: references.references });
      return [];
    });
    if (parsed.entries.length > ENV_VARS_MAX_PER_SCOPE)
      problems.push({ field: 'dotenv', message: `at most ${ENV_VARS_MAX_PER_SCOPE} variables (got ${parsed.entries.length})` });
    const buildTime = input.buildTime ?? false;
    const runtime = input.runtime ?? true;
    if (!buildTime && !runtime) problems.push(bothOff());
    if (problems.length > 0) throw AppException.validation(problems);

    const referencesOfKey = new Map(linked.map(({ key, references }) => [key, references]));
    await this.dataSource.transaction(async (manager) => {
      const place = await this.lockOwner(
        manager,
        team,
        owner,
        linked.some((l) => l.references.length > 0),
      );
      const unlinked = await this.unlinked(manager, team, place, linked);
      if (unlinked.length > 0) throw AppException.validation(unlinked.map(({ message }) => ({ field: 'dotenv', message })));
      const variables = this.variables.in(manager);
      const existing = new Map((await variables.ofOwner(team, owner)).map((row) => [row.key, row]));
      const set: string[] = [];
      for (const { key, value } of parsed.entries) {
        const row = existing.get(key);
        existing.delete(key);
        const references = referencesOfKey.get(key) ?? [];
        // A row saved before references were read has none recorded: written again, it gets them.
        const sameReferences = row?.databaseReferences.join('\n') === references.map(storedReference).join('\n');
        if (row && row.buildTime === buildTime && row.runtime === runtime && sameReferences && this.open(row) === value) continue;
        const sealed = this.box.seal(value, envVarAad(envOwnerColumns(owner), key));
        await variables.put(team, owner, key, { value: sealed, buildTime, runtime, references }, row);
        set.push(key);
      }
      const removed = [...existing.keys()];
      await variables.deleteMany(team, [...existing.values()]);
      if (set.length > 0 || removed.length > 0) await this.recordChange(manager, caller, team, owner, { set, removed: removed.sort() });
    });
  }

  /**
   * Serializes writes to one owner's variables (a count check and a bulk replace stay true until
   * commit); NO KEY UPDATE leaves other writers of the row's children alone. With `linking` (the
   * values reference databases), the environment's row is locked too, first, as a database's rename
   * locks it: a reference saved and a rename of what it names cannot cross. Gives where the
   * variables' references resolve: the environment, and the application's server (null for the
   * environment's shared variables, whose applications may run anywhere).
   */
  private async lockOwner(manager: EntityManager, team: TeamScope, owner: EnvOwner, linking = false): Promise<OwnerPlace> {
    if (owner.scope === 'environment') {
      await this.environments.in(manager).getLocked(team, owner.id, 'for_no_key_update');
      return { environmentId: owner.id, serverId: null };
    }
    const applications = this.applications.in(manager);
    if (linking) {
      const { environmentId } = await applications.get(team, owner.id);
      await this.environments.in(manager).getLocked(team, environmentId, 'for_no_key_update');
    }
    const { environmentId, serverId } = await applications.getLocked(team, owner.id, 'for_no_key_update');
    return { environmentId, serverId };
  }

  /**
   * One problem per variable that references a database the application cannot reach: none of
   * that name in the environment (or one being deleted), or, for an application's own variables, one on
   * another server (the Zpanel network a database is reached on is its server's). A database of another
   * environment or team is one that is not there. Messages read `KEY: ${{ main-db.HOST }} …`.
   */
  private async unlinked(manager: EntityManager, team: TeamScope, place: OwnerPlace, keys: readonly LinkedKey[]): Promise<FieldError[]> {
    const names = [...new Set(keys.flatMap((k) => k.references.map((r) => r.database)))];
    if (names.length === 0) return [];
    const found = await this.databases.in(manager).findByNamesInEnvironment(team, place.environmentId, names);
    const present = new Map(found.filter((d) => d.status !== 'deleting').map((d) => [d.name, d]));
    const problem = (reference: DatabaseReference): string | null => {
      const database = present.get(reference.database);
      if (!database) return `names no database of this environment (${reference.database})`;
      if (place.serverId !== null && database.serverId !== place.serverId)
        return `names a database on another server than the application (${reference.database} is reached on its own server only)`;
      return null;
    };
    return keys.flatMap(({ key, references }) => {
      for (const reference of references) {
        const unreachable = problem(reference);
        if (unreachable) return [{ field: 'dotenv', message: `${key}: ${formatReference(reference)} ${unreachable}` }];
      }
      return [];
    });
  }

  private recordChange(
    manager: EntityManager,
    caller: Caller,
    team: TeamScope,
    owner: EnvOwner,
    keys: { set: string[]; removed: string[] },
  ): Promise<void> {
    const target = { type: owner.scope === 'environment' ? 'environment' : 'application', id: owner.id } as const;
    return this.audit.record(
      {
        action: AuditAction.EnvVarsChanged,
        teamId: team.teamId,
        actor: caller,
        target,
        metadata: owner.scope === 'preview' ? { ...keys, preview: true } : keys,
      },
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
      references: referencesOf(row),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
