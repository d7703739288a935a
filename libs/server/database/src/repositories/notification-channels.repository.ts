import type { NotificationEventKind } from '@zpanel/contracts';
import type { EntityTarget } from 'typeorm';
import { NotificationChannelEntity } from '../entities';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

/** What a channel is saved with; the caller seals `secrets` for the id it chose (notificationChannelSecretsAad). */
export type NotificationChannelFields = Omit<
  NotificationChannelEntity,
  'id' | 'teamId' | 'createdAt' | 'updatedAt' | 'failingSince' | 'consecutiveFailures' | 'lastDeliveryAt'
>;

/**
 * A team's notification channels. The sealed secrets are never selected by the finders;
 * `sealedSecrets` reads them for the worker (and the API's test route), which open them.
 */
export class NotificationChannelsRepository extends TeamOwnedRepository<NotificationChannelEntity> {
  protected readonly target: EntityTarget<NotificationChannelEntity> = NotificationChannelEntity;
  readonly noun = 'notification channel';

  /** By name. */
  listOf(team: TeamScope): Promise<NotificationChannelEntity[]> {
    return this.rows.find({ where: this.scoped(team), order: { name: 'ASC', id: 'ASC' } });
  }

  countOf(team: TeamScope): Promise<number> {
    return this.rows.countBy(this.scoped(team));
  }

  /** Inserts with the id its secrets were sealed for. A taken name throws the unique violation (`notification_channels_team_name_key`). */
  async add(team: TeamScope, id: string, fields: NotificationChannelFields): Promise<NotificationChannelEntity> {
    // jsonb settings: TypeORM's deep-partial type cannot follow an open record.
    await this.rows.insert({ ...fields, id, teamId: this.teamIdOf(team), consecutiveFailures: 0 } as never);
    return this.get(team, id);
  }

  async change(team: TeamScope, id: string, changes: Partial<NotificationChannelFields>): Promise<NotificationChannelEntity> {
    await this.rows.update(this.scoped(team, { id }), { ...changes, updatedAt: new Date() } as never);
    return this.get(team, id);
  }

  async nameTaken(team: TeamScope, name: string, exceptId?: string): Promise<boolean> {
    const row = await this.rows.findOne({ where: this.scoped(team, { name }), select: { id: true } });
    return row !== null && row.id !== exceptId;
  }

  /** The sealed secrets JSON (null: none set), or undefined when the channel is not the team's. */
  async sealedSecrets(team: TeamScope, id: string): Promise<string | null | undefined> {
    const row = await this.rows.findOne({ where: this.scoped(team, { id }), select: { id: true, secrets: true } });
    return row ? row.secrets : undefined;
  }

  /**
   * The team's enabled channels subscribed to `kind` whose filters let an event of this project and
   * environment through (a null filter lets everything through; a filter does not match an event
   * without the id it filters on).
   */
  subscribedTo(
    team: TeamScope,
    kind: NotificationEventKind,
    projectId: string | null,
    environmentId: string | null,
  ): Promise<NotificationChannelEntity[]> {
    return this.rows
      .createQueryBuilder('c')
      .where('c.team_id = :teamId AND c.enabled AND :kind = ANY(c.events)', { teamId: this.teamIdOf(team), kind })
      .andWhere('(c.project_ids IS NULL OR (CAST(:projectId AS uuid) IS NOT NULL AND CAST(:projectId AS uuid) = ANY(c.project_ids)))', { projectId })
      .andWhere(
        '(c.environment_ids IS NULL OR (CAST(:environmentId AS uuid) IS NOT NULL AND CAST(:environmentId AS uuid) = ANY(c.environment_ids)))',
        {
          environmentId,
        },
      )
      .orderBy('c.name', 'ASC')
      .getMany();
  }

  /** A channel by id with its sealed secrets JSON selected (`secrets`): for the worker, whose job names a delivery the channel owns. */
  findWithSealedSecrets(id: string): Promise<NotificationChannelEntity | null> {
    return this.rows.createQueryBuilder('c').addSelect('c.secrets').where('c.id = :id', { id }).getOne();
  }

  /**
   * A delivery failed for good: one more failure in a row, atomically; `failing_since` is set when
   * the count reaches `failingAfter` and it was not set. Returns the count and whether this call
   * marked the channel failing (undefined: no such channel).
   */
  async recordFinalFailure(id: string, failingAfter: number): Promise<{ consecutiveFailures: number; becameFailing: boolean } | undefined> {
    const [rows]: [{ consecutive_failures: number; failing_since: Date | null; was_failing: Date | null }[], number] = await this.manager.query(
      `UPDATE "notification_channels" c
          SET "consecutive_failures" = c."consecutive_failures" + 1,
              "failing_since" = CASE WHEN c."failing_since" IS NULL AND c."consecutive_failures" + 1 >= $2 THEN now() ELSE c."failing_since" END
         FROM (SELECT "id", "failing_since" FROM "notification_channels" WHERE "id" = $1 FOR UPDATE) o
        WHERE c."id" = o."id"
        RETURNING c."consecutive_failures", c."failing_since", o."failing_since" AS "was_failing"`,
      [id, failingAfter],
    );
    if (!rows.length) return undefined;
    const [row] = rows;
    return { consecutiveFailures: row.consecutive_failures, becameFailing: row.was_failing === null && row.failing_since !== null };
  }
}
