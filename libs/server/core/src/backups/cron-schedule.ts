import { Cron } from 'croner';
import cronstrue from 'cronstrue';

/**
 * Backup schedules' cron expressions and time zones (docs/backups.md, "Schedules"). Parsed by croner
 * (time zones, DST), described in words by cronstrue. Five fields (minute hour day month weekday)
 * or one of the nicknames; croner's own extensions that depend on when the parser runs (`?`, which it
 * replaces with the current time) or that cron does not have (seconds, years) are refused.
 */

/** Longer than any useful five-field expression; the column's CHECK holds the same. */
export const CRON_MAX_LENGTH = 100;
/** IANA names are at most about 30 characters; the column's CHECK holds 64. */
export const TIMEZONE_MAX_LENGTH = 64;

const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
/** Digits, names (JAN, MON), `*`, `,`, `-`, `/`, `L` (last) and `#` (nth weekday); five fields separated by single spaces or tabs. */
const FIELD = /^[0-9A-Za-z*,/#-]+$/;
/** An IANA zone name's spelling (`Europe/Berlin`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`, `UTC`); Intl decides whether it exists. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** Parses a checked expression; throws on anything croner refuses. */
function parse(expression: string, timezone: string): Cron {
  return new Cron(expression.trim(), { mode: '5-part', paused: true, timezone });
}

/** Why the expression is not a usable schedule (in words, for a 400 naming `cron`), or null when it is. */
export function cronProblem(expression: unknown): string | null {
  if (typeof expression !== 'string' || expression.trim() === '') return 'cron must be a cron expression such as "0 3 * * *"';
  if (expression.length > CRON_MAX_LENGTH) return `cron must be at most ${CRON_MAX_LENGTH} characters`;
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    if (!NICKNAMES.has(trimmed.toLowerCase())) return `cron: ${[...NICKNAMES].join(', ')} are the nicknames understood`;
  } else {
    const fields = trimmed.split(/[ \t]+/);
    if (fields.length !== 5) return `cron must have five fields (minute hour day-of-month month day-of-week), not ${fields.length}`;
    if (!fields.every((field) => FIELD.test(field))) return 'cron may hold only digits, names (JAN, MON), *, ",", "-", "/", L and #';
  }
  let job: Cron;
  try {
    job = parse(trimmed, 'UTC');
  } catch (error) {
    return `cron is not valid: ${describeParseError(error)}`;
  }
  // `0 0 31 2 *` parses but never comes: a schedule that would never run is refused, not saved.
  if (job.nextRun() === null) return 'cron never matches a date (for example, 31 February)';
  return null;
}

/** Why the time zone is not an IANA zone this runtime knows, or null. */
export function timezoneProblem(timezone: unknown): string | null {
  if (typeof timezone !== 'string' || timezone === '') return 'timezone must be an IANA time zone such as "Europe/Berlin" or "UTC"';
  if (timezone.length > TIMEZONE_MAX_LENGTH || !ZONE_NAME.test(timezone))
    return 'timezone must be an IANA time zone such as "Europe/Berlin" or "UTC"';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    return `timezone: ${timezone} is not a known IANA time zone`;
  }
  return null;
}

/**
 * The first slot strictly after `after`, as an instant, with the expression read in `timezone`; null
 * when none comes. Across DST: a fixed time in the skipped hour runs at the first valid time after
 * it, a fixed time in the repeated hour runs once; an interval (`*\/30 * * * *`) runs on both passes.
 * Throws on an expression or zone the `…Problem` checks refuse: check before saving.
 */
export function nextRunAt(expression: string, timezone: string, after: Date): Date | null {
  const problem = cronProblem(expression) ?? timezoneProblem(timezone);
  if (problem) throw new RangeError(problem);
  return parse(expression, timezone).nextRun(after);
}

/** The expression in words, 24-hour clock ("At 03:00", "Every 30 minutes, Monday through Friday"); the expression itself if cronstrue cannot. */
export function describeCron(expression: string): string {
  try {
    return cronstrue.toString(expression.trim(), { use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch {
    return expression;
  }
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // croner prefixes its messages with its class name; the rest is about the field.
  return message.replace(/^CronPattern:\s*/, '').slice(0, 200);
}
