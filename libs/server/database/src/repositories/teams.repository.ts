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
   * The instance's first team: the one created with the owner account at setup (teams are never
   * deleted, so it stays the oldest). Its owners operate the instance (instance backups).
   */
  first(): Promise<TeamEntity | null> {
    return this.rows.findOne({ where: {}, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Locks the team row until the surrounding transaction ends, so that two concurrent changes of its
   * members (two demotions) cannot both pass the last-owner check.
   */
  async lock(team: TeamScope): Promise<void> {
    await this.rows.createQueryBuilder('t').setLock('pessimistic_write').where('t.id = :teamId', { teamId: team.teamId }).getOne();
  }
}
