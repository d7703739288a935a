import type { EntityTarget } from 'typeorm';
import { AuditEventEntity } from '../entities';
import { EntityRepository, type PageWindow } from './entity-repository';
import type { TeamScope } from './team-scope';

export interface AuditEventFilter {
  action?: string;
  actorId?: string;
  since?: string;
  until?: string;
}

/** The audit log: appended to inside the transaction of each change (`in(manager)`), read per team. */
export class AuditEventsRepository extends EntityRepository<AuditEventEntity> {
  protected readonly target: EntityTarget<AuditEventEntity> = AuditEventEntity;

  async append(row: Omit<AuditEventEntity, 'id' | 'createdAt'>): Promise<void> {
    await this.rows.save(this.rows.create(row));
  }

  /**
   * The team's own events, plus account events (team null: sign-ins, failed attempts, 2FA) of its
   * current members, whether the member acted or was the target (a failed login has no actor).
   * Newest first.
   */
  pageForTeam(team: TeamScope, filter: AuditEventFilter, window: PageWindow): Promise<[AuditEventEntity[], number]> {
    const members = 'SELECT m.user_id FROM team_members m WHERE m.team_id = :teamId';
    const qb = this.rows
      .createQueryBuilder('e')
      .where(
        `(e.team_id = :teamId OR (e.team_id IS NULL AND (e.actor_user_id IN (${members}) OR (e.target_type = 'user' AND e.target_id IN (SELECT m2.user_id::text FROM team_members m2 WHERE m2.team_id = :teamId)))))`,
        { teamId: team.teamId },
      );
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter.actorId) qb.andWhere('e.actor_user_id = :actorId', { actorId: filter.actorId });
    if (filter.since) qb.andWhere('e.created_at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('e.created_at <= :until', { until: filter.until });
    return qb.orderBy('e.created_at', 'DESC').addOrderBy('e.id', 'DESC').skip(window.skip).take(window.take).getManyAndCount();
  }
}
