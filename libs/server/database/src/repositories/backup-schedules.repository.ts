import { type EntityTarget, type FindOptionsWhere, In, LessThanOrEqual } from 'typeorm';
import { BackupScheduleEntity } from '../entities';
import type { PageWindow } from './entity-repository';
import { type BackupOwner, OwnedRepository } from './owner-scope';

export type BackupScheduleFields = Omit<BackupScheduleEntity, 'id' | 'teamId' | 'createdAt' | 'updatedAt' | 'lastRunAt' | 'missedSince'>;

export interface BackupScheduleFilter {
  databaseId?: string;
  volumeId?: string;
  destinationId?: string;
}

/** Schedules of a team's databases and volumes, or of the instance's own PostgreSQL. */
export class BackupSchedulesRepository extends OwnedRepository<BackupScheduleEntity> {
  protected readonly target: EntityTarget<BackupScheduleEntity> = BackupScheduleEntity;
  readonly noun = 'backup schedule';

  async add(owner: BackupOwner, fields: BackupScheduleFields): Promise<BackupScheduleEntity> {
    const inserted = await this.rows.insert({ ...fields, teamId: this.ownerTeamId(owner) });
    return this.getOwned(owner, (inserted.identifiers[0] as { id: string }).id);
  }

  async change(
    owner: BackupOwner,
    id: string,
    changes: Partial<BackupScheduleFields & Pick<BackupScheduleEntity, 'missedSince'>>,
  ): Promise<BackupScheduleEntity> {
    await this.rows.update(this.owned(owner, { id }), { ...changes, updatedAt: new Date() });
    return this.getOwned(owner, id);
  }

  /** Oldest first, filtered by source or destination. */
  pageOf(owner: BackupOwner, window: PageWindow, filter: BackupScheduleFilter = {}): Promise<[BackupScheduleEntity[], number]> {
    const where: FindOptionsWhere<BackupScheduleEntity> = {};
    if (filter.databaseId !== undefined) where.databaseId = filter.databaseId;
    if (filter.volumeId !== undefined) where.volumeId = filter.volumeId;
    if (filter.destinationId !== undefined) where.destinationId = filter.destinationId;
    return this.rows.findAndCount({ where: this.owned(owner, where), order: { createdAt: 'ASC', id: 'ASC' }, skip: window.skip, take: window.take });
  }

  countOf(owner: BackupOwner): Promise<number> {
    return this.rows.countBy(this.owned(owner));
  }

  /** Schedules writing to the destination, whoever's (a destination with schedules cannot be deleted). */
  countUsingDestination(destinationId: string): Promise<number> {
    return this.rows.countBy({ destinationId });
  }

  /** Enabled schedules whose slot has come, soonest first, across owners (the worker's scheduler). */
  due(now: Date, limit: number): Promise<BackupScheduleEntity[]> {
    return this.rows.find({ where: { enabled: true, nextRunAt: LessThanOrEqual(now) }, order: { nextRunAt: 'ASC', id: 'ASC' }, take: limit });
  }

  /**
   * Moves a schedule past the slot `slot` to `next`, only if its next slot is still `slot`: of two
   * schedulers that read the same due schedule, exactly one gets true and queues its backup.
   */
  async advance(id: string, slot: Date, next: Date | null): Promise<boolean> {
    const result = await this.rows.update({ id, nextRunAt: slot }, { lastRunAt: slot, nextRunAt: next });
    return (result.affected ?? 0) > 0;
  }

  /** A backup of the schedule counts (succeeded, and verified when the schedule verifies): no longer missed. */
  async clearMissed(id: string): Promise<void> {
    await this.rows.update({ id }, { missedSince: null });
  }

  /**
   * Marks the enabled schedules that missed a slot: no backup that counts (succeeded or since pruned,
   * and verified unless the backup was not to be verified) queued since their last slot, `graceMs`
   * after it; or a next slot overdue by `graceMs` (no worker fired it). One statement; returns the
   * schedules newly marked (`missed_since`: the slot missed).
   */
  async markMissed(now: Date, graceMs: number): Promise<BackupScheduleEntity[]> {
    const cutoff = new Date(now.getTime() - graceMs);
    const [rows] = (await this.rows.manager.query(
      `UPDATE "backup_schedules" s
       SET "missed_since" = CASE WHEN s."next_run_at" < $1 THEN s."next_run_at" ELSE s."last_run_at" END
       WHERE s."enabled" AND s."missed_since" IS NULL AND (
         s."next_run_at" < $1
         OR (s."last_run_at" < $1 AND NOT EXISTS (
           SELECT 1 FROM "backups" b
           WHERE b."schedule_id" = s."id" AND b."created_at" >= s."last_run_at" AND b."status" IN ('succeeded', 'pruned')
             AND (b."verification" = 'verified' OR NOT b."verify_after_backup"))))
       RETURNING s."id"`,
      [cutoff],
    )) as [{ id: string }[], number];
    if (rows.length === 0) return [];
    return this.rows.find({ where: { id: In(rows.map((row) => row.id)) } });
  }
}
