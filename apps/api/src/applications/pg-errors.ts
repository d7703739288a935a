import { QueryFailedError } from 'typeorm';

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';

/** The constraint a failed statement broke, when it broke one of the given kind. */
export function violatedConstraint(error: unknown, code: string): { constraint: string; detail: string } | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const failure = error as QueryFailedError & { code?: string; constraint?: string; detail?: string };
  return failure.code === code ? { constraint: failure.constraint ?? '', detail: failure.detail ?? '' } : undefined;
}
