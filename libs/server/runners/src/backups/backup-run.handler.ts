import { Injectable } from '@nestjs/common';
import { JobName, type JobPayload, type JobResult } from '@zpanel/contracts';
import { InjectLogger } from '@zpanel/core';
import { HandlesJob, type JobHandler } from '@zpanel/queue';
import type { Logger } from 'pino';

/** Runs one backup (docs/backups.md, "How a backup runs"). Skeleton: the pipeline lands next. */
@Injectable()
@HandlesJob(JobName.BackupRun)
export class BackupRunHandler implements JobHandler<JobName.BackupRun> {
  private readonly logger: Logger;

  constructor(@InjectLogger() logger: Logger) {
    this.logger = logger.child({ component: 'backup-runs' });
  }

  async handle({ backupId }: JobPayload<JobName.BackupRun>): Promise<JobResult<JobName.BackupRun>> {
    // Left queued: the reaper queues it again once the pipeline is here.
    this.logger.warn({ backupId }, 'backup runs are not implemented yet');
    return { ran: false };
  }
}
