import { ErrorCode, type FieldError } from '@zpanel/contracts';

/** The HTTP status each code maps to; the API's exception filter is the only reader. */
export const ERROR_STATUS: { readonly [C in ErrorCode]: number } = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.MalformedBody]: 400,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.InvalidCredentials]: 401,
  [ErrorCode.TwoFactorRequired]: 401,
  [ErrorCode.SessionExpired]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.InvitationInvalid]: 410,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Internal]: 500,
  [ErrorCode.ServiceUnavailable]: 503,
  [ErrorCode.WorkerUnavailable]: 503,
};

export const ERROR_TITLE: { readonly [C in ErrorCode]: string } = {
  [ErrorCode.ValidationFailed]: 'Validation failed',
  [ErrorCode.MalformedBody]: 'Malformed request body',
  [ErrorCode.PayloadTooLarge]: 'Request body too large',
  [ErrorCode.Unauthorized]: 'Authentication required',
  [ErrorCode.InvalidCredentials]: 'Wrong email or password',
  [ErrorCode.TwoFactorRequired]: 'Two-factor code required',
  [ErrorCode.SessionExpired]: 'Session expired',
  [ErrorCode.Forbidden]: 'Not allowed',
  [ErrorCode.NotFound]: 'Not found',
  [ErrorCode.MethodNotAllowed]: 'Method not allowed',
  [ErrorCode.Conflict]: 'Conflict',
  [ErrorCode.InvitationInvalid]: 'Invitation no longer valid',
  [ErrorCode.RateLimited]: 'Too many requests',
  [ErrorCode.Internal]: 'Internal error',
  [ErrorCode.ServiceUnavailable]: 'Service unavailable',
  [ErrorCode.WorkerUnavailable]: 'Worker unavailable',
};

/** The one exception type modules throw; the HTTP layer turns it into problem+json. */
export class AppException extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? ERROR_TITLE[code]);
    this.name = 'AppException';
    this.status = ERROR_STATUS[code];
  }

  static validation(errors: FieldError[]): AppException {
    const fields = errors.map((e) => e.field).join(', ');
    return new AppException(ErrorCode.ValidationFailed, `Invalid field(s): ${fields}`, errors);
  }
}
