import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { ErrorCode, PROBLEM_CONTENT_TYPE, type ProblemDetails, errorCodeForStatus } from '@zpanel/contracts';
import { AppException, ERROR_TITLE } from '@zpanel/core';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { RateLimitedException } from './rate-limiter';
import { requestIdOf } from './request-context';

/** Error from express's body parser (bad JSON, too large, wrong charset). */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number'
  );
}

/**
 * Turns any error into the problem+json body of docs/architecture.md. Only AppException details and
 * the messages of Nest's own 4xx exceptions reach the client; anything else is a 500 whose
 * details (stack, SQL) go to the log under the traceId and nowhere else.
 */
export function toProblem(error: unknown, traceId: string, path: string): ProblemDetails {
  let status = 500;
  let code = ErrorCode.Internal;
  let detail: string | undefined;
  let errors: ProblemDetails['errors'];

  if (error instanceof AppException) {
    ({ status, code, detail, errors } = error);
  } else if (isBodyParserError(error)) {
    status = error.status;
    code = error.type === 'entity.too.large' ? ErrorCode.PayloadTooLarge : ErrorCode.MalformedBody;
    detail = error.type === 'entity.too.large' ? 'The request body exceeds the size limit' : 'The request body is not valid JSON';
  } else if (error instanceof HttpException && error.getStatus() < 500) {
    status = error.getStatus();
    code = errorCodeForStatus(status);
    detail = status === 404 ? `No route or resource at ${path}` : error.message;
  } else if (error instanceof HttpException) {
    status = error.getStatus();
    code = errorCodeForStatus(status);
  }

  return {
    type: `https://zpanel.dev/problems/${code}`,
    title: ERROR_TITLE[code],
    status,
    ...(detail ? { detail } : {}),
    code,
    ...(errors ? { errors } : {}),
    traceId,
  };
}

export function sendProblem(res: Response, problem: ProblemDetails): void {
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const problem = toProblem(error, requestIdOf(req), req.originalUrl.split('?')[0]);
    if (problem.status >= 500) this.logger.error({ err: error, traceId: problem.traceId }, 'request failed');
    if (error instanceof RateLimitedException && !res.headersSent) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (!res.headersSent) sendProblem(res, problem);
  }
}
