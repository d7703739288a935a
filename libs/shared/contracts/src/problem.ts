/**
 * Error contract shared by the API and its clients: every error response is
 * `application/problem+json` (RFC 9457) with a stable machine-readable `code`.
 */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  MalformedBody = 'malformed_body',
  PayloadTooLarge = 'payload_too_large',
  NotFound = 'not_found',
  MethodNotAllowed = 'method_not_allowed',
  Unauthorized = 'unauthorized',
  InvalidCredentials = 'invalid_credentials',
  TwoFactorRequired = 'two_factor_required',
  SessionExpired = 'session_expired',
  Forbidden = 'forbidden',
  Conflict = 'conflict',
  InvitationInvalid = 'invitation_invalid',
  RateLimited = 'rate_limited',
  ServiceUnavailable = 'service_unavailable',
  WorkerUnavailable = 'worker_unavailable',
  Internal = 'internal_error',
}

export interface FieldError {
  /** Dotted path of the offending field, e.g. `domains.0` or `probe`. */
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: ErrorCode;
  errors?: FieldError[];
  /** Request id, also in the `x-request-id` response header and the server log. */
  traceId: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The code to use for an error that carries none of its own (a framework 404, a proxy's 413):
 * the API's exception filter and the SPA's client both read this one table.
 */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.MethodNotAllowed,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  429: ErrorCode.RateLimited,
  503: ErrorCode.ServiceUnavailable,
};

export function errorCodeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.ValidationFailed);
}
