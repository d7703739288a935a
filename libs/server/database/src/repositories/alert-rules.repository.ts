import type { EntityTarget } from 'typeorm';
import { AlertRuleEntity, DEFAULT_ALERT_RULES } from '../entities';
import { type PageWindow, TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

export type AlertRuleFields = Pick<AlertRuleEntity, 'metric' | 'operator' | 'threshold' | 'durationSeconds' | 'enabled'>;

/** Rules of one server each; the worker evaluates a server's rules after every check. */
export class AlertRulesRepository extends TeamOwnedRepository<AlertRuleEntity> {
  protected readonly target: EntityTarget<AlertRuleEntity> = AlertRuleEntity;
  readonly noun = 'alert rule';

  pageOfServer(team: TeamScope, serverId: string, window: PageWindow): Promise<[AlertRuleEntity[], number]> {
    const teamId = this.teamIdOf(team);
    return (
      this.rows
        .createQueryBuilder('r')
        .where('r.serverId = :serverId AND r.teamId = :teamId', { serverId, teamId })
        // The defaults are created together: show them in a fixed order.
        .orderBy('r.createdAt', 'ASC')
        .addOrderBy(`array_position(ARRAY['cpu', 'memory', 'disk', 'load', 'unreachable']::text[], r.metric)`, 'ASC')
        .addOrderBy('r.id', 'ASC')
        .skip(window.skip)
        .take(window.take)
        .getManyAndCount()
    );
  }

  countOfServer(team: TeamScope, serverId: string): Promise<number> {
    return this.rows.countBy(this.scoped(team, { serverId }));
  }

  /** A rule of another server (even of the same team) is not found under this one. */
  findOfServer(team: TeamScope, serverId: string, id: string): Promise<AlertRuleEntity | null> {
    return this.rows.findOneBy(this.scoped(team, { id, serverId }));
  }

  add(team: TeamScope, serverId: string, fields: AlertRuleFields): Promise<AlertRuleEntity> {
    return this.rows.save({ ...fields, serverId, teamId: team.teamId });
  }

  /** Every new server starts with these. */
  async addDefaults(team: TeamScope, serverId: string): Promise<void> {
    await this.rows.insert(DEFAULT_ALERT_RULES.map((rule) => ({ ...rule, teamId: team.teamId, serverId, enabled: true })));
  }

  async change(team: TeamScope, id: string, fields: AlertRuleFields): Promise<void> {
    await this.rows.update(this.scoped(team, { id }), fields);
  }

  /** For the worker, whose check job names the server. */
  ofServer(serverId: string): Promise<AlertRuleEntity[]> {
    return this.rows.find({ where: { serverId } });
  }
}
