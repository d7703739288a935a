import { Injectable } from '@nestjs/common';
import { JobName, type JobPayload, type JobResult } from '@zpanel/contracts';
import { InjectLogger } from '@zpanel/core';
import { HandlesJob, type JobHandler } from '@zpanel/queue';
import type { Logger } from 'pino';

/** Runs one restore (docs/backups.md, "Restores"). Skeleton: the steps land next. */
@Injectable()
@HandlesJob(JobName.RestoreRun)
export class RestoreRunHandler implements JobHandler<JobName.RestoreRun> {
  private readonly logger: Logger;

  constructor(@InjectLogger() logger: Logger) {
    this.logger = logger.child({ component: 'restore-runs' });
  }

  async handle({ restoreId }: JobPayload<JobName.RestoreRun>): Promise<JobResult<JobName.RestoreRun>> {
    this.logger.warn({ restoreId }, 'restores are not implemented yet');
    return { ran: false };
  }
}
