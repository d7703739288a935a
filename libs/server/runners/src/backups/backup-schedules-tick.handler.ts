import { Injectable } from '@nestjs/common';
import { JobName, type JobResult } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, describeCron, nextRunAt } from '@zpanel/core';
import {
  AlertEventsRepository,
  ApplicationMountsRepository,
  ApplicationsRepository,
  type BackupScheduleEntity,
  BackupSchedulesRepository,
  BackupsRepository,
  DatabasesRepository,
  TeamsRepository,
  teamScope,
} from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer, enqueueBackupRun } from '@zpanel/queue';
import type { Logger } from 'pino';
import { ownerOf } from './backup-follow-ups';
import { EventNotifications } from '../notifications/event-notifications';

/** Schedules claimed per tick; the next tick takes the rest. */
const DUE_BATCH = 50;

/**
 * Every BACKUP_SCHEDULES_TICK_MS: claims the schedules whose slot has come and queues one backup each
 * (trigger `schedule`, with the schedule's verification and timeout). The claim is the conditional
 * `advance` (next_run_at still the slot read), so two workers' ticks, or a slow tick and the next,
 * never fire one slot twice; a slot missed while no worker ran fires once, then the schedule goes on
 * from now. A schedule whose previous backup is still queued or running gets none (the unique index).
 * Then marks missed schedules: no backup that counts (succeeded and verified, or succeeded when the
 * schedule does not verify) since its last slot, BACKUP_MISSED_GRACE_MS after it, or a slot overdue
 * by the grace; `missed_since` is what the API and the UI show, cleared when a backup counts. Each
 * schedule newly marked also gets a `backup_missed` alert event (in its team's alerts; an instance
 * schedule's in the first team's), once per miss: only the statement that set `missed_since` returns
 * the schedule, and a partial unique index keeps one open per schedule; a backup that counts resolves it.
 */
@Injectable()
@HandlesJob(JobName.BackupSchedulesTick)
export class BackupSchedulesTickHandler implements JobHandler<JobName.BackupSchedulesTick> {
  private readonly logger: Logger;

  constructor(
    private readonly schedules: BackupSchedulesRepository,
    private readonly backups: BackupsRepository,
    private readonly databases: DatabasesRepository,
    private readonly mounts: ApplicationMountsRepository,
    private readonly applications: ApplicationsRepository,
    private readonly teams: TeamsRepository,
    private readonly alerts: AlertEventsRepository,
    private readonly producer: JobProducer,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
    private readonly notifications: EventNotifications,
  ) {
    this.logger = logger.child({ component: 'backup-schedules' });
  }

  async handle(): Promise<JobResult<JobName.BackupSchedulesTick>> {
    const now = new Date();
    let queued = 0;
    for (const schedule of await this.schedules.due(now, DUE_BATCH)) {
      if (await this.fire(schedule, now)) queued += 1;
    }
    const missed = await this.schedules.markMissed(now, this.config.backups.missedGraceMs);
    for (const schedule of missed) {
      this.logger.warn({ scheduleId: schedule.id, teamId: schedule.teamId, missedSince: schedule.missedSince }, 'backup schedule missed its slot');
      await this.raiseMissed(schedule, now).catch((error: unknown) =>
        this.logger.error({ err: error, scheduleId: schedule.id }, 'backup_missed alert not recorded'),
      );
    }
    return { queued, missed: missed.length };
  }

  /** The `backup_missed` alert of a schedule just marked missed, in words, for the notifications to deliver. */
  private async raiseMissed(schedule: BackupScheduleEntity, now: Date): Promise<void> {
    const teamId = schedule.teamId ?? (await this.teams.first())?.id;
    if (!teamId) return;
    const since = (schedule.missedSince ?? now).toISOString();
    const message = `No verified backup of ${await this.sourceName(schedule)} since ${since} from the schedule “${describeCron(schedule.cron)}” (${schedule.timezone})`;
    // Only the statement that opened it returns the alert: one notification per miss.
    for (const alert of await this.alerts.openBackupMissed(teamId, schedule.id, message, now)) {
      await this.notifications.backupMissed(schedule, {
        scheduleId: schedule.id,
        alertEventId: alert.id,
        message,
        missedSince: schedule.missedSince ?? now,
        cron: schedule.cron,
        timezone: schedule.timezone,
      });
    }
  }

  private async sourceName(schedule: BackupScheduleEntity): Promise<string> {
    if (schedule.teamId === null) return "Zpanel's own PostgreSQL";
    const team = teamScope(schedule.teamId);
    if (schedule.databaseId !== null) {
      const database = await this.databases.find(team, schedule.databaseId);
      return database ? `the database ${database.name}` : 'a database';
    }
    const mount = schedule.volumeId === null ? null : await this.mounts.find(team, schedule.volumeId);
    return mount?.name ? `the volume ${mount.name}` : 'a volume';
  }

  private async fire(schedule: BackupScheduleEntity, now: Date): Promise<boolean> {
    const slot = schedule.nextRunAt!;
    let next: Date | null;
    try {
      next = nextRunAt(schedule.cron, schedule.timezone, now);
    } catch (error) {
      // Checked when saved; a stored expression the parser now refuses stops the schedule rather than the tick.
      this.logger.error({ err: error, scheduleId: schedule.id }, 'backup schedule expression refused; schedule stopped');
      next = null;
    }
    if (!(await this.schedules.advance(schedule.id, slot, next))) return false;
    const serverId = await this.serverOf(schedule);
    const backup = await this.backups.addQueued(ownerOf(schedule.teamId), {
      sourceKind: schedule.sourceKind,
      databaseId: schedule.databaseId,
      volumeId: schedule.volumeId,
      serverId,
      destinationId: schedule.destinationId,
      trigger: 'schedule',
      scheduleId: schedule.id,
      verifyAfterBackup: schedule.verifyAfterBackup,
      timeoutMinutes: schedule.timeoutMinutes,
      userId: null,
      tokenId: null,
      actorName: 'schedule',
    });
    if (!backup) {
      this.logger.info({ scheduleId: schedule.id, slot }, 'backup slot skipped: the previous backup of the schedule still runs');
      return false;
    }
    try {
      await enqueueBackupRun(this.producer, backup.id);
    } catch (error) {
      // The row is queued: the reaper queues its job.
      this.logger.warn({ err: error, backupId: backup.id }, 'scheduled backup not queued; the reaper will');
    }
    return true;
  }

  /** The server the source runs on, for the per-server limit; null for the instance or a source that is gone (the run fails it in words). */
  private async serverOf(schedule: BackupScheduleEntity): Promise<string | null> {
    if (schedule.teamId === null) return null;
    const team = teamScope(schedule.teamId);
    if (schedule.databaseId !== null) return (await this.databases.find(team, schedule.databaseId))?.serverId ?? null;
    if (schedule.volumeId !== null) {
      const mount = await this.mounts.find(team, schedule.volumeId);
      return mount ? ((await this.applications.find(team, mount.applicationId))?.serverId ?? null) : null;
    }
    return null;
  }
}
