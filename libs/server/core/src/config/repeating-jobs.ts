import { JobName, REPEATING_JOBS } from '@zpanel/contracts';
import type { AppConfig } from './app-config';

export type RepeatingJobPeriods = { readonly [J in JobName]?: { everyMs: number } };

/**
 * The repeating jobs with the periods this instance runs them at: REPEATING_JOBS, but the command
 * runs reaper's and the backup schedules tick's from the configuration (COMMAND_RUNS_REAP_MS,
 * BACKUP_SCHEDULES_TICK_MS), so the worker that schedules it and
 * the API that reports it agree, and a test stack need not wait out production's 30 s.
 */
export function repeatingJobPeriods(config: Pick<AppConfig, 'runs' | 'backups' | 'notifications'>): RepeatingJobPeriods {
  return {
    ...REPEATING_JOBS,
    [JobName.CommandRunsReap]: { everyMs: config.runs.commandRunsReapMs },
    // BACKUP_SCHEDULES_TICK_MS: tests fire schedules within a second or two.
    [JobName.BackupSchedulesTick]: { everyMs: config.backups.schedulesTickMs },
    [JobName.NotificationsReap]: { everyMs: config.notifications.reapMs },
  };
}
