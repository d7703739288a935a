import { afterEach, describe, expect, it, vi } from 'vitest';
import { dateTime } from '../../lib/format';
import { describeCron } from './cron';

afterEach(() => {
  vi.useRealTimers();
});

describe(describeCron.name, () => {
  it('says the expression in words with its next run, read in the zone', () => {
    vi.useFakeTimers({ now: new Date('2026-12-07T12:00:00Z') });
    expect(describeCron('0 3 * * *', 'UTC')).toBe(`At 03:00 · next ${dateTime('2026-12-08T03:00:00.000Z')} (your time)`);
    // 03:00 in Paris is 02:00 UTC in winter.
    expect(describeCron(' 0 3 * * * ', 'Europe/Paris')).toBe(`At 03:00 · next ${dateTime('2026-12-08T02:00:00.000Z')} (your time)`);
  });

  it('gives nothing for what it cannot read, leaving the reason to the API', () => {
    expect(describeCron('0 3 * *', 'UTC')).toBeNull();
    expect(describeCron('0 3 * * *', 'Mars/Olympus')).toBeNull();
    expect(describeCron('', 'UTC')).toBeNull();
  });
});
