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

  /**
   * The names a message shows, in one query: the team's, and the project's and environment's when
   * given and still the team's (null otherwise). Undefined when the team is gone.
   */
  async namesOf(
    team: TeamScope,
    projectId: string | null,
    environmentId: string | null,
  ): Promise<{ team: string; project: string | null; environment: string | null } | undefined> {
    const rows: { team: string; project: string | null; environment: string | null }[] = await this.manager.query(
      `SELECT t."name" AS "team", p."name" AS "project", e."name" AS "environment"
         FROM "teams" t
         LEFT JOIN "projects" p ON p."id" = $2::uuid AND p."team_id" = t."id"
         LEFT JOIN "environments" e ON e."id" = $3::uuid AND e."team_id" = t."id"
        WHERE t."id" = $1`,
      [this.teamIdOf(team), projectId, environmentId],
    );
    return rows[0];
  }
}
