import { Injectable } from '@nestjs/common';
import { InjectLogger } from '@zpanel/core';
import {
  AlertEventsRepository,
  type BackupEntity,
  type BackupOwner,
  BackupSchedulesRepository,
  BackupsRepository,
  RestoresRepository,
  instanceScope,
  teamScope,
} from '@zpanel/database';
import { JobProducer, enqueueRestoreRun } from '@zpanel/queue';
import type { Logger } from 'pino';
import type { OpenDestination } from './backup-resources';
import type { RunLog } from './backup-runner';
import { EventNotifications } from '../notifications/event-notifications';

const DAY_MS = 86_400_000;

export function ownerOf(teamId: string | null): BackupOwner {
  return teamId === null ? instanceScope() : teamScope(teamId);
}

/** Which of a schedule's succeeded backups (newest first) retention removes: beyond the count, or older than the days; never the newest. */
export function expiredBackups<B extends { id: string; createdAt: Date }>(
  succeeded: readonly B[],
  retention: { retentionCount: number | null; retentionDays: number | null },
  now: Date,
): B[] {
  return succeeded.filter((backup, index) => {
    if (index === 0) return false;
    if (retention.retentionCount !== null && index >= retention.retentionCount) return true;
    return retention.retentionDays !== null && now.getTime() - backup.createdAt.getTime() > retention.retentionDays * DAY_MS;
  });
}

/**
 * What follows a succeeded backup: its verification (a `verify` restore queued, run on its own lease:
 * a verification lasts as long as the backup again, and a stored backup stays `succeeded` whatever it
 * finds), the schedule's retention (objects deleted at the destination, rows `pruned`; a failed
 * delete is recorded on that backup as `backup.prune_failed` and in this run's log, and tried again
 * after the next backup), and the schedule's missed mark cleared (its alert resolved) once a backup counts.
 */
@Injectable()
export class BackupFollowUps {
  private readonly logger: Logger;

  constructor(
    private readonly backups: BackupsRepository,
    private readonly schedules: BackupSchedulesRepository,
    private readonly restores: RestoresRepository,
    private readonly alerts: AlertEventsRepository,
    private readonly producer: JobProducer,
    @InjectLogger() logger: Logger,
    private readonly notifications: EventNotifications,
  ) {
    this.logger = logger.child({ component: 'backup-follow-ups' });
  }

  /** `log`: the finished backup's stored log, to which retention adds its lines. */
  async afterSuccess(backup: BackupEntity, destination: OpenDestination, verify: boolean, log: RunLog): Promise<void> {
    if (verify) await this.queueVerification(backup);
    // Without a verification, a stored and checked backup is what the schedule asked for.
    else if (backup.scheduleId !== null) await this.counted(backup.scheduleId, backup.id);
    if (backup.scheduleId !== null) await this.applyRetention(backup, destination, log);
  }

  /** A verification restore ended: the schedule counts the backup once it verified. */
  async afterVerification(backupId: string, verified: boolean): Promise<void> {
    if (!verified) return;
    const backup = await this.backups.findByIdAcrossTeams(backupId);
    if (backup?.scheduleId) await this.counted(backup.scheduleId, backup.id);
  }

  /** A backup of the schedule counts: it is no longer missed, and its `backup_missed` alert, if one is open, is resolved. */
  private async counted(scheduleId: string, backupId: string): Promise<void> {
    await this.schedules.clearMissed(scheduleId);
    const resolved = await this.alerts.resolveBackupMissed(scheduleId, new Date());
    if (resolved.length === 0) return;
    const schedule = await this.schedules.findByIdAcrossTeams(scheduleId);
    // Only the statement that resolved it returns the alert: told once.
    for (const alert of resolved)
      if (schedule) await this.notifications.backupMissedResolved(schedule, { scheduleId, alertEventId: alert.id, backupId });
  }

  private async queueVerification(backup: BackupEntity): Promise<void> {
    const restore = await this.restores.addQueued(ownerOf(backup.teamId), {
      backupId: backup.id,
      sourceKind: backup.sourceKind,
      target: 'verify',
      databaseId: null,
      volumeId: null,
      serverId: backup.serverId,
      timeoutMinutes: backup.timeoutMinutes,
      userId: backup.userId,
      tokenId: backup.tokenId,
      actorName: backup.actorName,
    });
    if (!restore) {
      await this.backups.settleVerification(backup.id, { verification: 'failed', verificationDetail: 'The verification could not be queued.' });
      return;
    }
    try {
      await enqueueRestoreRun(this.producer, restore.id);
    } catch (error) {
      // The reaper queues it: the row is the truth.
      this.logger.warn({ err: error, restoreId: restore.id }, 'verification restore not queued; the reaper will');
    }
  }

  private async applyRetention(backup: BackupEntity, destination: OpenDestination, log: RunLog): Promise<void> {
    const schedule = await this.schedules.findByIdAcrossTeams(backup.scheduleId!);
    if (!schedule || (schedule.retentionCount === null && schedule.retentionDays === null)) return;
    const succeeded = await this.backups.succeededOfSchedule(schedule.id);
    const expired = expiredBackups(succeeded, schedule, new Date());
    let pruned = 0;
    for (const old of expired) {
      try {
        if (old.location !== null) {
          // An older backup may sit in another destination (the schedule's changed since): only prune what this store holds.
          if (old.destinationId !== destination.destination.id) continue;
          await destination.store.delete(old.location);
        }
        await this.backups.markPruned(old.id);
        pruned += 1;
      } catch (error) {
        const words = error instanceof Error ? error.message : String(error);
        const reason = `Retention could not remove this backup from ${destination.destination.name}: ${words}. It is tried again after the next backup.`;
        log.write(`Retention could not remove backup ${old.id}: ${words}`);
        await this.backups.notePruneFailure(old.id, reason);
        this.logger.warn({ backupId: old.id, err: error }, 'backup not pruned');
      }
    }
    if (expired.length > 0) log.write(`Retention removed ${pruned} of ${expired.length} expired backup${expired.length === 1 ? '' : 's'}.`);
  }
}
