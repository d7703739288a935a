import type { ServerStatus } from './servers';

/**
 * Queue and job names. These strings are stored in Redis by BullMQ: never rename a value
 * without a migration that drains the old queue. Payloads carry ids and scalars only,
 * never whole entities (the worker reads the current row from Postgres).
 */
export enum QueueName {
  System = 'system',
  Servers = 'servers',
}

export enum JobName {
  /** Round trip through the queue: proves a worker is consuming, not just alive. */
  SystemProbe = 'system.probe',
  /** Connect to a server, pin or verify its host key, check the OS, Docker and disk. */
  ServerValidate = 'server.validate',
}

export interface JobPayloads {
  [JobName.SystemProbe]: { requestedAt: string };
  [JobName.ServerValidate]: { serverId: string };
}

export interface JobResults {
  [JobName.SystemProbe]: { workerId: string; receivedAt: string };
  [JobName.ServerValidate]: { status: ServerStatus };
}

export type JobPayload<J extends JobName> = JobPayloads[J];
export type JobResult<J extends JobName> = JobResults[J];

/** Which queue carries each job. */
export const JOB_QUEUE: { readonly [J in JobName]: QueueName } = {
  [JobName.SystemProbe]: QueueName.System,
  [JobName.ServerValidate]: QueueName.Servers,
};

export const ALL_JOB_NAMES: readonly JobName[] = Object.values(JobName);
