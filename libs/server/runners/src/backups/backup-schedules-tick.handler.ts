import { Injectable } from '@nestjs/common';
import { JobName, type JobResult } from '@zpanel/contracts';
import { HandlesJob, type JobHandler } from '@zpanel/queue';

/** Claims due backup schedules and queues one backup each; marks missed schedules. Skeleton until the tables land. */
@Injectable()
@HandlesJob(JobName.BackupSchedulesTick)
export class BackupSchedulesTickHandler implements JobHandler<JobName.BackupSchedulesTick> {
  async handle(): Promise<JobResult<JobName.BackupSchedulesTick>> {
    return { queued: 0, missed: 0 };
  }
}
