import { Cron } from 'croner';
import cronstrue from 'cronstrue';
import { dateTime } from '../../lib/format';

/**
 * The expression in words and its next run in the zone, shown under the field while it is typed
 * ("At 03:00 · next Dec 8, 2026, 4:00:00 AM"); null when it cannot be read, the API saying why on
 * save. Parsed as the API does (croner, five fields, the zone's DST), described as it does (cronstrue).
 */
export function describeCron(expression: string, timeZone: string): string | null {
  const trimmed = expression.trim();
  if (trimmed === '') return null;
  try {
    const words = cronstrue.toString(trimmed, { use24HourTimeFormat: true, throwExceptionOnParseError: true });
    const next = new Cron(trimmed, { mode: '5-part', paused: true, timezone: timeZone.trim() || 'UTC' }).nextRun();
    return next ? `${words} · next ${dateTime(next.toISOString())} (your time)` : `${words} · never comes`;
  } catch {
    return null;
  }
}
