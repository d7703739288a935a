import { ErrorCode } from '@zpanel/contracts';
import { ApiError, fieldErrors } from '../../lib/api-client';
import { waitDuration } from '../../lib/format';

/** What the user should do about a refused password or code, per field. */
const WRONG: Record<string, string> = {
  password: 'The password is wrong.',
  code: 'That code is not valid, or was already used.',
};

/**
 * Messages under the fields of a 2FA form. A wrong password or code (401 `invalid_credentials`
 * naming the field) is said in the user's words; validation messages come from the API.
 */
export function twoFactorFieldErrors(error: unknown, wrongCode = WRONG.code): Record<string, string> {
  const fields = fieldErrors(error);
  if (!(error instanceof ApiError) || error.code !== ErrorCode.InvalidCredentials) return fields;
  const messages: Record<string, string> = { ...fields };
  for (const field of Object.keys(fields)) {
    messages[field] = field === 'code' ? wrongCode : (WRONG[field] ?? fields[field]);
  }
  return messages;
}

/** Replaces the generic problem display for errors a person can act on. */
export function twoFactorFailureMessage(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.code === ErrorCode.RateLimited) {
    return error.retryAfterSeconds === undefined
      ? 'Too many wrong attempts. Wait a moment, then try again.'
      : `Too many wrong attempts. Try again in ${waitDuration(error.retryAfterSeconds)}.`;
  }
  return undefined;
}
