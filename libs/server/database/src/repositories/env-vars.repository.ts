import type { EnvVarScope } from '@zpanel/contracts';
import { type EntityTarget, type FindOptionsWhere, In } from 'typeorm';
import { type ApplicationEntity, EnvVarEntity } from '../entities';
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

type Flags = Pick<EnvVarEntity, 'value' | 'buildTime' | 'runtime'>;

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
  put(team: TeamScope, owner: EnvOwner, key: string, fields: Flags, existing?: EnvVarEntity): Promise<EnvVarEntity> {
    return existing ? this.rows.save({ ...existing, ...fields }) : this.rows.save({ teamId: team.teamId, ...envOwnerColumns(owner), key, ...fields });
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
