import { type DatabaseReference, ErrorCode, type EnvVarScope } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { type EntityTarget, type FindOptionsWhere, In } from 'typeorm';
import { type ApplicationEntity, EnvVarEntity, storedReference } from '../entities';
import type { LinkedDatabase } from './applications.repository';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

/** Whose variables: an environment's (shared by its applications) or an application's own (they win). */
export interface EnvOwner {
  scope: EnvVarScope;
  id: string;
}

/** The owner columns of a variable; a preview override belongs to the application it applies to the previews of (`preview` set). */
export const envOwnerColumns = (owner: EnvOwner) =>
  owner.scope === 'environment'
    ? { environmentId: owner.id, applicationId: null, preview: false }
    : { applicationId: owner.id, environmentId: null, preview: owner.scope === 'preview' };

/** Rows of the owner: the other owner column is NULL on them (a CHECK says so). */
const whereOwner = (owner: EnvOwner): FindOptionsWhere<EnvVarEntity> =>
  owner.scope === 'environment' ? { environmentId: owner.id } : { applicationId: owner.id, preview: owner.scope === 'preview' };

type Flags = Pick<EnvVarEntity, 'value' | 'buildTime' | 'runtime'> & {
  /** What the (sealed) value references, stored beside it in plain text. */
  references: readonly DatabaseReference[];
};

/** A variable that references a database: whose it is (an application's own, its preview overrides, or the environment's shared) and its key. */
export interface DatabaseReferenceHolder {
  key: string;
  scope: EnvVarScope;
  /** The application's name; null for the environment's shared variables. */
  applicationName: string | null;
}

/** Variables of environments and applications; values are stored sealed (the callers seal and open them). */
export class EnvVarsRepository extends TeamOwnedRepository<EnvVarEntity> {
  protected readonly target: EntityTarget<EnvVarEntity> = EnvVarEntity;
  readonly noun = 'variable';

  ofOwner(team: TeamScope, owner: EnvOwner): Promise<EnvVarEntity[]> {
    return this.rows.find({ where: this.scoped(team, whereOwner(owner)), order: { key: 'ASC' } });
  }

  findKey(team: TeamScope, owner: EnvOwner, key: string): Promise<EnvVarEntity | null> {
    return this.rows.findOneBy(this.scoped(team, { ...whereOwner(owner), key }));
  }

  countOfOwner(team: TeamScope, owner: EnvOwner): Promise<number> {
    return this.rows.countBy(this.scoped(team, whereOwner(owner)));
  }

  /** Sets the variable: `existing` (of this owner and key) changes, or a new row is added. */
  put(team: TeamScope, owner: EnvOwner, key: string, { references, ...fields }: Flags, existing?: EnvVarEntity): Promise<EnvVarEntity> {
    const columns = { ...fields, databaseReferences: references.map(storedReference) };
    return existing
      ? this.rows.save({ ...existing, ...columns })
      : this.rows.save({ teamId: team.teamId, ...envOwnerColumns(owner), key, ...columns });
  }

  /**
   * Every variable that references the database, whoever's in its environment (its shared ones, its
   * applications' own and preview overrides), overridden or not: each would stop resolving if the
   * database's name changed.
   */
  async referencingDatabase(team: TeamScope, database: LinkedDatabase): Promise<DatabaseReferenceHolder[]> {
    const rows: { key: string; environment_id: string | null; preview: boolean; name: string | null }[] = await this.manager.query(
      `SELECT v."key", v."environment_id", v."preview", a."name" FROM "env_vars" v
       LEFT JOIN "applications" a ON a."id" = v."application_id"
       WHERE v."team_id" = $1 AND (v."environment_id" = $2 OR a."environment_id" = $2)
         AND EXISTS (SELECT 1 FROM unnest(v."database_references") r WHERE split_part(r, '.', 1) = $3)
       ORDER BY a."name" NULLS FIRST, v."preview", v."key"`,
      [this.teamIdOf(team), database.environmentId, database.name],
    );
    return rows.map((r) => ({
      key: r.key,
      scope: r.environment_id ? 'environment' : r.preview ? 'preview' : 'application',
      applicationName: r.name,
    }));
  }

  /**
   * Refuses (409, naming each variable) to rename a database that variables reference: references name
   * it, and a rename would leave them pointing at nothing. Call it in the transaction that holds the
   * environment row's lock (`EnvironmentsRepository.getLocked`), which saving a reference takes too.
   */
  async refuseRenameWhileReferenced(team: TeamScope, database: LinkedDatabase): Promise<void> {
    const holders = await this.referencingDatabase(team, database);
    if (holders.length === 0) return;
    const where = (h: DatabaseReferenceHolder) =>
      h.applicationName === null
        ? `${h.key} (shared by the environment)`
        : `${h.key} of ${h.applicationName}${h.scope === 'preview' ? ' (preview override)' : ''}`;
    throw new AppException(
      ErrorCode.Conflict,
      `${database.name} is referenced by ${holders.map(where).join(', ')}: remove or change those references first`,
      [{ field: 'name', message: `the variables referencing ${database.name} would no longer resolve` }],
    );
  }

  async deleteKey(team: TeamScope, owner: EnvOwner, key: string): Promise<boolean> {
    const { affected } = await this.rows.delete(this.scoped(team, { ...whereOwner(owner), key }));
    return (affected ?? 0) > 0;
  }

  async deleteMany(team: TeamScope, rows: EnvVarEntity[]): Promise<void> {
    if (rows.length === 0) return;
    await this.rows.delete(this.scoped(team, { id: In(rows.map((row) => row.id)) }));
  }

  /**
   * What a deployment of `settings` may use: its own variables (with its preview overrides when it
   * is deployed as a preview) and its environment's; the caller picks the winner per key.
   */
  forDeployment(team: TeamScope, settings: Pick<ApplicationEntity, 'id' | 'environmentId'>, asPreview: boolean): Promise<EnvVarEntity[]> {
    return this.rows.find({
      where: [
        this.scoped(team, { applicationId: settings.id, ...(asPreview ? {} : { preview: false }) }),
        this.scoped(team, { environmentId: settings.environmentId }),
      ],
    });
  }

  /** An application's own variables (not its preview overrides), and its environment's, each by key. */
  async ownAndShared(
    team: TeamScope,
    application: Pick<ApplicationEntity, 'id' | 'environmentId'>,
  ): Promise<{ own: EnvVarEntity[]; shared: EnvVarEntity[] }> {
    const own = await this.rows.find({ where: this.scoped(team, { applicationId: application.id, preview: false }), order: { key: 'ASC' } });
    const shared = await this.rows.find({ where: this.scoped(team, { environmentId: application.environmentId }), order: { key: 'ASC' } });
    return { own, shared };
  }
}
