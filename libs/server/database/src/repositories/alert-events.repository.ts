import type { AlertState } from '@zpanel/contracts';
import { type EntityTarget, type FindOptionsWhere, IsNull, Not } from 'typeorm';
import { AlertEventEntity, type AlertRuleEntity } from '../entities';
import { type PageWindow, TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

/**
 * Alerts: opened by the worker when a rule is breached (or a backup schedule missed), resolved when
 * the figure is back (or a backup counts). Opening relies on the partial unique indexes (one open
 * alert per rule, per schedule), so two workers checking at once cannot both open one: the second
 * insert does nothing.
 */
export class AlertEventsRepository extends TeamOwnedRepository<AlertEventEntity> {
  protected readonly target: EntityTarget<AlertEventEntity> = AlertEventEntity;
  readonly noun = 'alert';

  /** Newest first, of one server or of the whole team. */
  history(team: TeamScope, filter: { serverId?: string; state?: AlertState }, window: PageWindow): Promise<[AlertEventEntity[], number]> {
    const where: FindOptionsWhere<AlertEventEntity> = filter.serverId ? { serverId: filter.serverId } : {};
    if (filter.state === 'open') where.resolvedAt = IsNull();
    if (filter.state === 'resolved') where.resolvedAt = Not(IsNull());
    return this.page(team, window, { openedAt: 'DESC', id: 'DESC' }, where);
  }

  openOfServer(serverId: string): Promise<AlertEventEntity[]> {
    return this.rows.find({ where: { serverId, resolvedAt: IsNull() } });
  }

  /** The new alert, or nothing when the rule already has an open one. */
  async open(
    server: { id: string; teamId: string },
    rule: Pick<AlertRuleEntity, 'id' | 'metric' | 'operator' | 'threshold'>,
    value: number | null,
    message: string,
    at: Date,
  ): Promise<AlertEventEntity[]> {
    const rows: { id: string }[] = await this.manager.query(
      `INSERT INTO "alert_events" ("team_id", "server_id", "rule_id", "metric", "operator", "threshold", "value", "message", "opened_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ("rule_id") WHERE "resolved_at" IS NULL DO NOTHING
       RETURNING "id"`,
      [server.teamId, server.id, rule.id, rule.metric, rule.operator, rule.threshold, value, message, at],
    );
    return this.byIds(rows);
  }

  /** The rule's open alert, now resolved (never before it opened), or nothing. */
  async resolve(ruleId: string, at: Date): Promise<AlertEventEntity[]> {
    // Postgres returns [rows, affected] for an UPDATE … RETURNING.
    const [rows]: [{ id: string }[], number] = await this.manager.query(
      `UPDATE "alert_events" SET "resolved_at" = GREATEST($2::timestamptz, "opened_at")
        WHERE "rule_id" = $1 AND "resolved_at" IS NULL
        RETURNING "id"`,
      [ruleId, at],
    );
    return this.byIds(rows);
  }

  /**
   * A backup schedule's `backup_missed` alert, in `teamId` (the schedule's team, or the first team's
   * for an instance schedule); nothing when the schedule already has an open one.
   */
  async openBackupMissed(teamId: string, scheduleId: string, message: string, at: Date): Promise<AlertEventEntity[]> {
    const rows: { id: string }[] = await this.manager.query(
      `INSERT INTO "alert_events" ("team_id", "kind", "schedule_id", "message", "opened_at")
       VALUES ($1, 'backup_missed', $2, $3, $4)
       ON CONFLICT ("schedule_id") WHERE "resolved_at" IS NULL DO NOTHING
       RETURNING "id"`,
      [teamId, scheduleId, message, at],
    );
    return this.byIds(rows);
  }

  /** The schedule's open `backup_missed` alert, now resolved (a backup counts again), or nothing. */
  async resolveBackupMissed(scheduleId: string, at: Date): Promise<AlertEventEntity[]> {
    const [rows]: [{ id: string }[], number] = await this.manager.query(
      `UPDATE "alert_events" SET "resolved_at" = GREATEST($2::timestamptz, "opened_at")
        WHERE "schedule_id" = $1 AND "resolved_at" IS NULL
        RETURNING "id"`,
      [scheduleId, at],
    );
    return this.byIds(rows);
  }

  private async byIds(rows: { id: string }[]): Promise<AlertEventEntity[]> {
    if (rows.length === 0) return [];
    return this.rows.findBy(rows.map((r) => ({ id: r.id })));
  }
}
