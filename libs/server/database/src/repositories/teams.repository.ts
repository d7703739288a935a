import type { EntityTarget } from 'typeorm';
import { TeamEntity } from '../entities';
import { EntityRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

export class TeamsRepository extends EntityRepository<TeamEntity> {
  protected readonly target: EntityTarget<TeamEntity> = TeamEntity;

  create(name: string): Promise<TeamEntity> {
    return this.rows.save({ name });
  }

  get(team: TeamScope): Promise<TeamEntity> {
    return this.rows.findOneByOrFail({ id: team.teamId });
  }

  /**
   * Locks the team row until the surrounding transaction ends, so that two concurrent changes of its
   * members (two demotions) cannot both pass the last-owner check.
   */
  async lock(team: TeamScope): Promise<void> {
    await this.rows.createQueryBuilder('t').setLock('pessimistic_write').where('t.id = :teamId', { teamId: team.teamId }).getOne();
  }
}
