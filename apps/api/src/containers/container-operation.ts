import { type ContainerOperation, type ContainerOperationResult, ErrorCode, JobName } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import type { JobProducer } from '@zpanel/queue';

/** Interactive operations answer within this; a server that cannot is reported, not waited on. */
const OPERATION_TIMEOUT_MS = 30_000;

/**
 * One container operation through the worker (the API never talks to Docker), answered with its
 * result; the worker's refusals become the API's 400 / 404 / 409 / 503 in its own words. The caller
 * checked access and the parameters first.
 */
export async function runContainerOperation(
  jobs: Pick<JobProducer, 'enqueueAndWait'>,
  operation: ContainerOperation,
): Promise<Extract<ContainerOperationResult, { ok: true }>> {
  let result: ContainerOperationResult;
  try {
    result = await jobs.enqueueAndWait(JobName.ServerContainers, operation, OPERATION_TIMEOUT_MS);
  } catch {
    throw new AppException(ErrorCode.WorkerUnavailable, 'The operation did not complete in time: check that the worker runs and the server answers');
  }
  if (!result.ok) {
    const codes = { 400: ErrorCode.ValidationFailed, 404: ErrorCode.NotFound, 409: ErrorCode.Conflict, 503: ErrorCode.ServiceUnavailable } as const;
    throw new AppException(codes[result.status], result.message);
  }
  return result;
}
