import type { RestoreStatus } from '@zpanel/contracts';
import { type EntityTarget, type FindOptionsSelect, In } from 'typeorm';
import { RestoreEntity } from '../entities';
import type { PageWindow } from './entity-repository';
import { insertQueued } from './insert-queued';
import { type BackupOwner, OwnedRepository } from './owner-scope';
import type { TeamScope } from './team-scope';

/** Every column but the log. */
const SUMMARY_COLUMNS: FindOptionsSelect<RestoreEntity> = {
  id: true,
  teamId: true,
  backupId: true,
  sourceKind: true,
  target: true,
  databaseId: true,
  volumeId: true,
  serverId: true,
  safetyBackupId: true,
  timeoutMinutes: true,
  status: true,
  reason: true,
  reasonCode: true,
  result: true,
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

export type NewRestore = Pick<
  RestoreEntity,
  'backupId' | 'sourceKind' | 'target' | 'databaseId' | 'volumeId' | 'serverId' | 'userId' | 'tokenId' | 'actorName'
> &
  Partial<Pick<RestoreEntity, 'safetyBackupId' | 'timeoutMinutes'>>;

export interface RestoreFilter {
  backupId?: string;
  databaseId?: string;
  volumeId?: string;
  status?: RestoreStatus;
}

/** Restore runs: one at a time into a database or a volume (partial unique indexes); verifications are not limited here. */
export class RestoresRepository extends OwnedRepository<RestoreEntity> {
  protected readonly target: EntityTarget<RestoreEntity> = RestoreEntity;
  readonly noun = 'restore';

  /** Inserts the restore `queued`, or returns null when its database or volume already has one queued or running. */
  addQueued(owner: BackupOwner, restore: NewRestore): Promise<RestoreEntity | null> {
    return insertQueued(this.rows, { ...restore, teamId: this.ownerTeamId(owner) });
  }

  /** Newest first, without logs. */
  pageOf(owner: BackupOwner, window: PageWindow, filter: RestoreFilter = {}): Promise<[RestoreEntity[], number]> {
    return this.pageOwned(owner, window, filter, ['backupId', 'databaseId', 'volumeId', 'status'], SUMMARY_COLUMNS);
  }

  /** `same`: the safety backup taken before the restore overwrites anything. */
  async noteSafetyBackup(id: string, backupId: string): Promise<void> {
    await this.rows.update({ id }, { safetyBackupId: backupId });
  }

  /** A queued or running restore reading this backup, if any: the backup is kept until it ends. */
  activeOfBackup(team: TeamScope, backupId: string): Promise<RestoreEntity | null> {
    return this.rows.findOne({ where: this.scoped(team, { backupId, status: In(['queued', 'running']) }), select: SUMMARY_COLUMNS });
  }

  /** A queued or running restore into this database, if any (one at a time). */
  activeInto(team: TeamScope, databaseId: string): Promise<RestoreEntity | null> {
    return this.rows.findOne({ where: this.scoped(team, { databaseId, status: In(['queued', 'running']) }), select: SUMMARY_COLUMNS });
  }
}
