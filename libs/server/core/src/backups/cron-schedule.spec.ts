import { injectionPayloads } from '../shell/injection-payloads';
import { cronProblem, describeCron, nextRunAt, timezoneProblem } from './cron-schedule';

const at = (iso: string) => new Date(iso);
/** `count` slots after `from`, each strictly after the one before. */
function slots(expression: string, timezone: string, from: string, count: number): string[] {
  const out: string[] = [];
  let after = at(from);
  for (let i = 0; i < count; i += 1) {
    const next = nextRunAt(expression, timezone, after);
    if (!next) break;
    out.push(next.toISOString());
    after = next;
  }
  return out;
}

describe('cronProblem', () => {
  it.each([
    '0 3 * * *',
    '*/15 * * * *',
    '0 3 * * MON-FRI',
    '30 2 1,15 * *',
    '0 3 L * *',
    '0 3 * * 5#2',
    '0 0 * JAN,JUL SUN',
    '@daily',
    '@Hourly',
    ' 0 3 * * * ',
  ])('accepts %j', (expression) => {
    expect(cronProblem(expression)).toBeNull();
  });

  it.each([
    ['', /cron must be a cron expression/],
    ['   ', /cron must be a cron expression/],
    ['* * * * * *', /five fields/],
    ['0 3 * *', /five fields/],
    ['0 3 * * * 2027', /five fields/],
    ['61 * * * *', /not valid: .*minute/],
    ['0 25 * * *', /not valid/],
    ['0 3 ? * *', /only digits/],
    ['H 3 * * *', /not valid/],
    ['0 0 31 2 *', /never matches/],
    ['@reboot', /nicknames/],
    ['@every 5m', /nicknames/],
    ['0 3 * * *\n', null],
    ['0 3 * * *\u0000', /only digits/],
    ['0\u00a03 * * *', /five fields|only digits/],
    ['0 3 * * *'.padEnd(101, ' ') + 'x', /at most 100/],
  ])('refuses %j', (expression, expected) => {
    const problem = cronProblem(expression);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('refuses non-strings and every hostile payload in words that start with the field name', () => {
    for (const value of [undefined, null, 5, {}, ['0 3 * * *']]) expect(cronProblem(value)).toMatch(/^cron /);
    for (const payload of injectionPayloads('/tmp/zp-canary-cron')) expect(cronProblem(payload)).toMatch(/^cron/);
    expect(cronProblem('x'.repeat(10 * 1024 * 1024))).toMatch(/at most 100/);
  });
});

describe('timezoneProblem', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'Asia/Kolkata', 'America/New_York'])('accepts %s', (zone) => {
    expect(timezoneProblem(zone)).toBeNull();
  });

  it.each([
    '',
    'Mars/Olympus_Mons',
    'Europe/Berlin/',
    '/Europe/Berlin',
    '+01:00',
    'UTC+1',
    'Europe/../etc',
    'europe berlin',
    'Europe/Berlin\u0000',
    'x'.repeat(65),
  ])('refuses %j', (zone) => {
    expect(timezoneProblem(zone)).toMatch(/^timezone/);
  });

  it('refuses non-strings and every hostile payload', () => {
    for (const value of [undefined, null, 1, {}]) expect(timezoneProblem(value)).toMatch(/^timezone/);
    for (const payload of injectionPayloads('/tmp/zp-canary-tz')) expect(timezoneProblem(payload)).toMatch(/^timezone/);
  });
});

describe('nextRunAt', () => {
  it('is strictly after the given instant', () => {
    expect(nextRunAt('0 3 * * *', 'UTC', at('2026-01-01T03:00:00Z'))?.toISOString()).toBe('2026-01-02T03:00:00.000Z');
    expect(nextRunAt('0 3 * * *', 'UTC', at('2026-01-01T02:59:59.500Z'))?.toISOString()).toBe('2026-01-01T03:00:00.000Z');
  });

  it('reads the expression in the time zone', () => {
    expect(nextRunAt('0 3 * * *', 'Europe/Berlin', at('2026-01-10T00:00:00Z'))?.toISOString()).toBe('2026-01-10T02:00:00.000Z');
    expect(nextRunAt('0 3 * * *', 'Asia/Kolkata', at('2026-01-10T00:00:00Z'))?.toISOString()).toBe('2026-01-10T21:30:00.000Z');
  });

  it('spring forward: a fixed time in the skipped hour runs once at the first valid time after it, then at its time again', () => {
    // Europe/Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that day.
    expect(slots('30 2 * * *', 'Europe/Berlin', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST, the first valid time after the gap
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
    // A time outside the gap keeps its wall-clock time: 03:00 is 02:00Z before and 01:00Z after.
    expect(slots('0 3 * * *', 'Europe/Berlin', '2026-03-28T00:00:00Z', 2)).toEqual(['2026-03-28T02:00:00.000Z', '2026-03-29T01:00:00.000Z']);
  });

  it('fall back: a fixed time in the repeated hour runs once; an interval runs on both passes', () => {
    // America/New_York, 1 November 2026: 02:00 EDT becomes 01:00 EST; 01:00-01:59 happens twice.
    expect(slots('30 1 * * *', 'America/New_York', '2026-11-01T00:00:00Z', 2)).toEqual([
      '2026-11-01T05:30:00.000Z', // 01:30 EDT
      '2026-11-02T06:30:00.000Z', // the next day, 01:30 EST: not again at 01:30 EST on the 1st
    ]);
    expect(slots('*/30 * * * *', 'America/New_York', '2026-11-01T04:50:00Z', 5)).toEqual([
      '2026-11-01T05:00:00.000Z', // 01:00 EDT
      '2026-11-01T05:30:00.000Z', // 01:30 EDT
      '2026-11-01T06:00:00.000Z', // 01:00 EST
      '2026-11-01T06:30:00.000Z', // 01:30 EST
      '2026-11-01T07:00:00.000Z',
    ]);
  });

  it('knows the nicknames, last days and nth weekdays', () => {
    expect(nextRunAt('@weekly', 'UTC', at('2026-01-01T00:00:30Z'))?.toISOString()).toBe('2026-01-04T00:00:00.000Z');
    expect(nextRunAt('0 3 L * *', 'UTC', at('2026-02-01T00:00:00Z'))?.toISOString()).toBe('2026-02-28T03:00:00.000Z');
    expect(nextRunAt('0 3 * * 5#2', 'UTC', at('2026-04-01T00:00:00Z'))?.toISOString()).toBe('2026-04-10T03:00:00.000Z');
  });

  it('ORs day-of-month and day-of-week as cron does', () => {
    // The 13th or any Friday: Friday 2 January 2026 comes first.
    expect(nextRunAt('0 0 13 * 5', 'UTC', at('2026-01-01T00:00:00Z'))?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('throws on what the checks refuse, rather than guessing', () => {
    expect(() => nextRunAt('* * * * * *', 'UTC', at('2026-01-01T00:00:00Z'))).toThrow(/five fields/);
    expect(() => nextRunAt('0 3 * * *', 'Mars/Base', at('2026-01-01T00:00:00Z'))).toThrow(/timezone/);
  });
});

describe('describeCron', () => {
  it('says the expression in words on a 24-hour clock', () => {
    expect(describeCron('0 3 * * *')).toBe('At 03:00');
    expect(describeCron('*/30 * * * 1-5')).toBe('Every 30 minutes, Monday through Friday');
    expect(describeCron('@daily')).toBe('At 00:00');
  });

  it('falls back to the expression itself when it cannot describe it', () => {
    expect(describeCron('not a cron')).toBe('not a cron');
  });
});
