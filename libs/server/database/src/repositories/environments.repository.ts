import type { EntityTarget } from 'typeorm';
import { EnvironmentEntity } from '../entities';
import { countPer } from './count-per';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

export class EnvironmentsRepository extends TeamOwnedRepository<EnvironmentEntity> {
  protected readonly target: EntityTarget<EnvironmentEntity> = EnvironmentEntity;
  readonly noun = 'environment';

  add(team: TeamScope, projectId: string, name: string): Promise<EnvironmentEntity> {
    return this.rows.save({ teamId: team.teamId, projectId, name });
  }

  countInProject(team: TeamScope, projectId: string): Promise<number> {
    return this.rows.countBy(this.scoped(team, { projectId }));
  }

  countPerProject(team: TeamScope, projectIds: string[]): Promise<Map<string, number>> {
    return countPer(this.rows, team, 'project_id', projectIds);
  }
}
