import { Inject, Injectable } from '@nestjs/common';
import { JobName, type JobPayload, type JobResult } from '@zpanel/contracts';
import { HandlesJob, type JobHandler, WORKER_ID } from '@zpanel/queue';

/** Answers the API's round-trip probe with the id of the worker that took the job. */
@Injectable()
@HandlesJob(JobName.SystemProbe)
export class SystemProbeHandler implements JobHandler<JobName.SystemProbe> {
  constructor(@Inject(WORKER_ID) private readonly workerId: string) {}

  async handle(_payload: JobPayload<JobName.SystemProbe>): Promise<JobResult<JobName.SystemProbe>> {
    return { workerId: this.workerId, receivedAt: new Date().toISOString() };
  }
}
