import { AppException } from '../errors/app-exception';
import { ErrorCode } from '@zpanel/contracts';

/**
 * Allowlist validation for everything a user can send about containers. Each value is checked
 * before it reaches the Docker API (docs/security.md: log query parameters and container ids have
 * reached shells in peers), so a refused value never leaves the process.
 */
export class ContainerParamError extends AppException {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(ErrorCode.ValidationFailed, `Invalid field(s): ${field}`, [{ field, message }]);
    this.name = 'ContainerParamError';
    this.message = `${field}: ${message}`;
  }
}

const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const CONTAINER_HEX_ID = /^[a-f0-9]{12,64}$/;
/** Longest accepted input for any field: checked first so a 10 MB string costs nothing. */
const MAX_RAW_LENGTH = 128;

export const DEFAULT_LOG_TAIL = 200;
export const MAX_LOG_TAIL = 10_000;
export const DEFAULT_STOP_TIMEOUT_SECONDS = 10;
export const MAX_STOP_TIMEOUT_SECONDS = 600;

/** A container name or a 12-64 hex id; returned unchanged. */
export function parseContainerId(value: unknown, field = 'containerId'): string {
  if (typeof value !== 'string' || value.length === 0) throw new ContainerParamError(field, 'must be a container name or id');
  if (value.length > MAX_RAW_LENGTH || !(CONTAINER_NAME.test(value) || CONTAINER_HEX_ID.test(value))) {
    throw new ContainerParamError(
      field,
      'must be a container name (letters, digits, _ . -, starting with a letter or digit, at most 128) or a hex id',
    );
  }
  return value;
}

/** An integer in [min, max] given as a number or a string of digits (query parameters arrive as strings). */
function parseBoundedInteger(value: unknown, field: string, min: number, max: number): number {
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string' && value.length <= 6 && /^[0-9]{1,6}$/.test(value)) {
    n = Number(value);
  } else {
    throw new ContainerParamError(field, `must be an integer from ${min} to ${max}`);
  }
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ContainerParamError(field, `must be an integer from ${min} to ${max}`);
  return n;
}

/** How many log lines to read from the end; 200 when not given. */
export function parseLogTail(value: unknown, field = 'tail'): number {
  if (value === undefined) return DEFAULT_LOG_TAIL;
  return parseBoundedInteger(value, field, 1, MAX_LOG_TAIL);
}

/** Seconds Docker waits after SIGTERM before SIGKILL; 10 (Docker's default) when not given. */
export function parseStopTimeoutSeconds(value: unknown, field = 'stopTimeoutSeconds'): number {
  if (value === undefined) return DEFAULT_STOP_TIMEOUT_SECONDS;
  return parseBoundedInteger(value, field, 0, MAX_STOP_TIMEOUT_SECONDS);
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const UNIX_SECONDS = /^[0-9]{1,11}$/;
/** Year 9999: far enough, and keeps the number a plain integer Docker accepts. */
const MAX_UNIX_SECONDS = 253_402_300_799;

/**
 * Start of a log read as unix seconds, from an ISO 8601 date-time with a zone (`2026-01-02T03:04:05Z`,
 * `...+02:00`) or unix seconds (number or digits). Undefined stays undefined (no lower bound).
 */
export function parseLogSince(value: unknown, field = 'since'): number | undefined {
  if (value === undefined) return undefined;
  const refuse = (): never => {
    throw new ContainerParamError(field, 'must be an ISO 8601 date-time with a time zone or unix seconds');
  };
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value !== 'string' || value.length > 40) {
    return refuse();
  } else if (UNIX_SECONDS.test(value)) {
    seconds = Number(value);
  } else {
    const match = ISO_DATE_TIME.exec(value);
    if (!match) return refuse();
    const [, , month, day, hour, minute, second] = match.map(Number);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || (second ?? 0) > 59) refuse();
    const ms = Date.parse(value);
    if (!Number.isFinite(ms)) refuse();
    // Date.parse rolls 2026-02-31 over to March; refuse dates that do not exist.
    const date = new Date(Date.UTC(Number(match[1]), month - 1, day));
    if (date.getUTCMonth() !== month - 1) refuse();
    seconds = Math.floor(ms / 1000);
  }
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > MAX_UNIX_SECONDS) refuse();
  return seconds;
}

/** A yes/no flag (force, timestamps, all, managedOnly); `fallback` when not given. */
export function parseFlag(value: unknown, field: string, fallback = false): boolean {
  if (value === undefined) return fallback;
  // Query strings carry text: only the exact words true and false count.
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (typeof value !== 'boolean') throw new ContainerParamError(field, 'must be true or false');
  return value;
}
