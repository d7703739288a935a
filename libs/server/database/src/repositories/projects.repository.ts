import type { EntityTarget } from 'typeorm';
import { ProjectEntity } from '../entities';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

export class ProjectsRepository extends TeamOwnedRepository<ProjectEntity> {
  protected readonly target: EntityTarget<ProjectEntity> = ProjectEntity;
  readonly noun = 'project';

  add(team: TeamScope, fields: Pick<ProjectEntity, 'name' | 'description'>): Promise<ProjectEntity> {
    return this.rows.save({ ...fields, teamId: team.teamId });
  }

  async change(team: TeamScope, id: string, changes: Partial<Pick<ProjectEntity, 'name' | 'description'>>): Promise<void> {
    await this.rows.update(this.scoped(team, { id }), changes);
  }
}
