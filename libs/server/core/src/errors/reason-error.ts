import type { ReasonCode } from '@zpanel/contracts';

/**
 * An error whose reason is meant for the user: the worker stores and shows `reason` (with `code`, for
 * clients that react to it) as the deployment's or server's reason. Any other error is shown as a
 * generic "internal error" text, whatever its message says, so what reaches a person is chosen on
 * purpose where it is thrown.
 */
export class ReasonError extends Error {
  constructor(
    readonly code: ReasonCode,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'ReasonError';
  }
}

/** The reason to show for `error`: its own when it is a ReasonError, `fallback` for anything else. */
export function reasonOf(error: unknown, fallback: { code: ReasonCode; reason: string }): { code: ReasonCode; reason: string } {
  return error instanceof ReasonError ? { code: error.code, reason: error.reason } : fallback;
}
