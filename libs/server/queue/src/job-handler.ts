import { SetMetadata } from '@nestjs/common';
import type { JobName, JobPayload, JobResult } from '@zpanel/contracts';

export const JOB_HANDLER_METADATA = 'zpanel:job-handler';

/** What a handler sees of a job: its payload and identity, not BullMQ's whole object. */
export interface JobContext {
  jobId: string;
  attempt: number;
  /** Aborted when the worker shuts down and gives the job back to the queue. */
  signal: AbortSignal;
}

export interface JobHandler<J extends JobName> {
  handle(payload: JobPayload<J>, context: JobContext): Promise<JobResult<J>>;
}

/** Marks a provider as the one handler of a job name; the worker refuses to boot on gaps or duplicates. */
export const HandlesJob = (name: JobName): ClassDecorator => SetMetadata(JOB_HANDLER_METADATA, name);
