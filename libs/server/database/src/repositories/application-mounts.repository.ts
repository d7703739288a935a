import type { MountKind } from '@zpanel/contracts';
import { type EntityTarget, In, Not } from 'typeorm';
import { ApplicationMountEntity } from '../entities';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

type MountFields = Omit<ApplicationMountEntity, 'id' | 'teamId' | 'createdAt' | 'updatedAt'>;

/** The named volumes, bind mounts and files of applications (secret file contents stored sealed; the callers seal and open them). */
export class ApplicationMountsRepository extends TeamOwnedRepository<ApplicationMountEntity> {
  protected readonly target: EntityTarget<ApplicationMountEntity> = ApplicationMountEntity;
  readonly noun = 'mount';

  /** The application's mounts of the given kinds (all when none given), by mount path. */
  ofApplication(team: TeamScope, applicationId: string, kinds?: readonly MountKind[]): Promise<ApplicationMountEntity[]> {
    return this.rows.find({
      where: this.scoped(team, kinds ? { applicationId, kind: In([...kinds]) } : { applicationId }),
      order: { mountPath: 'ASC', id: 'ASC' },
    });
  }

  /** One mount of the application, of one of the kinds; null when it is not the application's (or not of those kinds). */
  findOfApplication(team: TeamScope, applicationId: string, id: string, kinds: readonly MountKind[]): Promise<ApplicationMountEntity | null> {
    return this.rows.findOneBy(this.scoped(team, { id, applicationId, kind: In([...kinds]) }));
  }

  /** The application's mounts but one (for checks of a change against the others). */
  othersOf(team: TeamScope, applicationId: string, exceptId: string | null): Promise<ApplicationMountEntity[]> {
    return this.rows.find({ where: this.scoped(team, exceptId ? { applicationId, id: Not(exceptId) } : { applicationId }) });
  }

  /** Named volumes of the team's applications with these ids (for telling a server's orphaned volumes from mounted ones). */
  volumesOfApplications(team: TeamScope, applicationIds: readonly string[]): Promise<ApplicationMountEntity[]> {
    if (applicationIds.length === 0) return Promise.resolve([]);
    return this.rows.find({ where: this.scoped(team, { applicationId: In([...applicationIds]), kind: 'volume' }) });
  }

  /** Inserts with the id a secret content was sealed for. */
  async add(team: TeamScope, id: string, fields: MountFields): Promise<ApplicationMountEntity> {
    await this.rows.insert({ id, ...fields, teamId: team.teamId });
    return this.rows.findOneByOrFail(this.scoped(team, { id }));
  }

  async change(team: TeamScope, id: string, changes: Partial<MountFields>): Promise<ApplicationMountEntity> {
    await this.rows.update(this.scoped(team, { id }), { ...changes, updatedAt: new Date() });
    return this.rows.findOneByOrFail(this.scoped(team, { id }));
  }
}
