import type { BackupCompression, BackupStatus, BackupVerificationStatus } from '@zpanel/contracts';
import { type EntityTarget, type FindOptionsSelect, type FindOptionsWhere, In } from 'typeorm';
import { BackupEntity } from '../entities';
import type { PageWindow } from './entity-repository';
import { insertQueued } from './insert-queued';
import { cancelRequest } from './run-rows';
import { type BackupOwner, OwnedRepository } from './owner-scope';
import type { TeamScope } from './team-scope';

/** Every column but the log: what a history needs. */
const SUMMARY_COLUMNS: FindOptionsSelect<BackupEntity> = {
  id: true,
  teamId: true,
  scheduleId: true,
  sourceKind: true,
  databaseId: true,
  volumeId: true,
  serverId: true,
  serverSlot: true,
  destinationId: true,
  trigger: true,
  verifyAfterBackup: true,
  timeoutMinutes: true,
  status: true,
  reason: true,
  reasonCode: true,
  engine: true,
  image: true,
  sizeBytes: true,
  dumpBytes: true,
  sha256: true,
  compression: true,
  location: true,
  dataKeyId: true,
  inventory: true,
  verification: true,
  verifiedAt: true,
  verificationDetail: true,
  userId: true,
  tokenId: true,
  actorName: true,
  cancelRequestedAt: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  heartbeatAt: true,
  workerId: true,
};

/** Statuses of a backup whose object is (or is about to be) in its destination. */
const HELD_STATUSES: BackupStatus[] = ['queued', 'running', 'succeeded'];

/** What the API (or the scheduler) knows of a backup it queues; the rest starts empty. */
export type NewBackup = Pick<
  BackupEntity,
  'sourceKind' | 'databaseId' | 'volumeId' | 'serverId' | 'destinationId' | 'trigger' | 'userId' | 'tokenId' | 'actorName'
> &
  Partial<Pick<BackupEntity, 'scheduleId' | 'verifyAfterBackup' | 'timeoutMinutes' | 'engine' | 'image'>>;

export interface BackupFilter {
  databaseId?: string;
  volumeId?: string;
  scheduleId?: string;
  destinationId?: string;
  status?: BackupStatus;
}

/**
 * Backup runs and their records. The API queues them (`addQueued`, then the enqueue helper), the
 * worker runs them under the run lease; at most one per schedule is queued or running (a partial
 * unique index), and the claim holds the per-server limit (`server_slot`).
 */
export class BackupsRepository extends OwnedRepository<BackupEntity> {
  protected readonly target: EntityTarget<BackupEntity> = BackupEntity;
  readonly noun = 'backup';

  /**
   * Inserts the backup `queued`, or returns null when its schedule already has one queued or running.
   * One statement against the unique index, so a transaction the caller holds is not aborted by the refusal.
   */
  addQueued(owner: BackupOwner, backup: NewBackup): Promise<BackupEntity | null> {
    return insertQueued(this.rows, { ...backup, teamId: this.ownerTeamId(owner) });
  }

  /** Newest first, without logs. */
  pageOf(owner: BackupOwner, window: PageWindow, filter: BackupFilter = {}): Promise<[BackupEntity[], number]> {
    return this.pageOwned(owner, window, filter, ['databaseId', 'volumeId', 'scheduleId', 'destinationId', 'status'], SUMMARY_COLUMNS);
  }

  /** The schedule's queued or running backup, if any. */
  activeOfSchedule(scheduleId: string): Promise<BackupEntity | null> {
    return this.rows.findOne({ where: { scheduleId, status: In(['queued', 'running']) }, select: SUMMARY_COLUMNS });
  }

  /** Backups stored (or being stored) in the destination, whoever's: a destination holding any cannot be deleted. */
  countHeldIn(destinationId: string): Promise<number> {
    return this.rows.countBy({ destinationId, status: In(HELD_STATUSES) });
  }

  /**
   * Succeeded backups per destination of the team, for the destinations' `backupCount`: the team's
   * and the instance's (which go to a destination of the first team) alike.
   */
  async storedPerDestination(team: TeamScope, destinationIds: string[]): Promise<Map<string, number>> {
    if (destinationIds.length === 0) return new Map();
    const counted = (await this.rows
      .createQueryBuilder('b')
      .innerJoin('backup_destinations', 'd', 'd.id = b.destination_id')
      .select('b.destination_id', 'id')
      .addSelect('count(*)::int', 'count')
      .where('b.destination_id IN (:...destinationIds)', { destinationIds })
      .andWhere('d.team_id = :teamId', { teamId: this.teamIdOf(team) })
      .andWhere(`b.status = 'succeeded'`)
      .groupBy('b.destination_id')
      .getRawMany()) as { id: string; count: number }[];
    return new Map(counted.map((row) => [row.id, row.count]));
  }

  /** The stored log again, after what followed the run (retention) added lines to it. */
  async saveLog(id: string, log: string): Promise<void> {
    await this.rows.update({ id }, { log });
  }

  /** A verification's verdict (verified, mismatch, failed), when it was reached and what it compared or why it failed. */
  async settleVerification(id: string, verdict: { verification: BackupVerificationStatus; verificationDetail: string }): Promise<void> {
    await this.rows.update({ id }, { ...verdict, verifiedAt: new Date() });
  }

  /** A schedule's succeeded backups, newest first: what its retention looks at. */
  succeededOfSchedule(scheduleId: string): Promise<BackupEntity[]> {
    return this.rows.find({ where: { scheduleId, status: 'succeeded' }, select: SUMMARY_COLUMNS, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** Retention removed its object: `pruned`, an earlier failed prune's reason cleared. */
  async markPruned(id: string): Promise<void> {
    await this.rows.update({ id, status: 'succeeded' }, { status: 'pruned', reason: null, reasonCode: null });
  }

  /** Retention could not remove its object: the backup stays `succeeded` (still stored) and says why (`backup.prune_failed`). */
  async notePruneFailure(id: string, reason: string): Promise<void> {
    await this.rows.update({ id, status: 'succeeded' }, { reason, reasonCode: 'backup.prune_failed' });
  }

  /** The database's or volume's queued or running backup, if any: what "back up now" refuses a second of. */
  activeOfSource(team: TeamScope, kind: 'database' | 'volume', sourceId: string): Promise<BackupEntity | null> {
    const where: FindOptionsWhere<BackupEntity> = kind === 'database' ? { databaseId: sourceId } : { volumeId: sourceId };
    return this.rows.findOne({ where: this.scoped(team, { ...where, status: In(['queued', 'running']) }), select: SUMMARY_COLUMNS });
  }

  /**
   * A queued backup is cancelled at once; a running one is flagged for its worker (`cancelRequest`);
   * null when it already finished. One statement, so a backup claimed meanwhile is only flagged.
   */
  async requestCancel(team: TeamScope, id: string): Promise<{ status: BackupStatus } | null> {
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set(cancelRequest({ reason: ['reason', 'Cancelled before it started.'], reasonCode: ['reason_code', 'backup.cancelled'] }))
      .where(`id = :id AND team_id = :teamId AND status IN ('queued', 'running')`, { id, teamId: this.teamIdOf(team) })
      .returning(['status'])
      .execute();
    const row = (result.raw as { status: BackupStatus }[])[0];
    return row ? { status: row.status } : null;
  }

  /** A succeeded backup whose object a person removed: the row stays for the history, as retention leaves it. */
  async markPrunedInTeam(team: TeamScope, id: string): Promise<void> {
    await this.rows.update(this.scoped(team, { id, status: 'succeeded' }), { status: 'pruned' });
  }

  /**
   * An uploaded dump being stored (trigger `upload`): inserted `running` with a heartbeat, since no
   * worker claims it; the API streaming it keeps the heartbeat (`heartbeat`), so the reaper fails it
   * if that API process dies.
   */
  async addUploading(team: TeamScope, backup: NewBackup): Promise<BackupEntity> {
    const inserted = await this.rows
      .createQueryBuilder()
      .insert()
      .values({ ...backup, teamId: this.teamIdOf(team), status: 'running', log: '', startedAt: () => 'now()', heartbeatAt: () => 'now()' } as never)
      .returning(['id'])
      .execute();
    return this.rows.findOneByOrFail({ id: (inserted.raw as { id: string }[])[0].id });
  }

  async heartbeat(team: TeamScope, id: string): Promise<void> {
    await this.rows.update(this.scoped(team, { id, status: 'running' }), { heartbeatAt: () => 'now()' } as never);
  }

  /** The upload is stored and checked: `succeeded` with what was stored. */
  async markUploaded(
    team: TeamScope,
    id: string,
    stored: { sizeBytes: number; dumpBytes: number; sha256: string; compression: BackupCompression; dataKeyId: string },
  ): Promise<void> {
    await this.rows.update(this.scoped(team, { id, status: 'running' }), {
      status: 'succeeded',
      sizeBytes: String(stored.sizeBytes),
      dumpBytes: String(stored.dumpBytes),
      sha256: stored.sha256,
      compression: stored.compression,
      dataKeyId: stored.dataKeyId,
      finishedAt: () => 'now()',
      heartbeatAt: () => 'now()',
    } as never);
  }

  /** The worker, before storing an upload: where its object goes (the key is made of ids, by the worker). */
  async recordLocation(id: string, location: string): Promise<void> {
    await this.rows.update({ id }, { location });
  }
}
