import { Injectable } from '@nestjs/common';
import { JobName, type JobResult } from '@zpanel/contracts';
import { HandlesJob, type JobHandler } from '@zpanel/queue';

/** Fails backups and restores whose worker died, re-queues queued ones whose job was lost. Skeleton until the tables land. */
@Injectable()
@HandlesJob(JobName.BackupsReap)
export class BackupsReaperHandler implements JobHandler<JobName.BackupsReap> {
  async handle(): Promise<JobResult<JobName.BackupsReap>> {
    return { failed: 0, requeued: 0 };
  }
}
