import { type RuleCondition, type RuleSample, alertMessage, compare, evaluateRule, formatDuration, metricValue } from './alert-rules';

const GB = 1024 ** 3;
const T0 = Date.parse('2026-03-01T12:00:00Z');

/** A sample `secondsAgo` before T0 with the given percentages. */
function sample(secondsAgo: number, figures: { cpu?: number; memory?: number; disk?: number; load?: number } = {}, reachable = true): RuleSample {
  if (!reachable)
    return {
      ts: new Date(T0 - secondsAgo * 1000),
      reachable: false,
      cpuPercent: null,
      memoryUsedBytes: null,
      memoryTotalBytes: null,
      diskUsedBytes: null,
      diskTotalBytes: null,
      load1: null,
    };
  return {
    ts: new Date(T0 - secondsAgo * 1000),
    reachable: true,
    cpuPercent: figures.cpu ?? 10,
    memoryUsedBytes: ((figures.memory ?? 50) / 100) * 8 * GB,
    memoryTotalBytes: 8 * GB,
    diskUsedBytes: ((figures.disk ?? 40) / 100) * 100 * GB,
    diskTotalBytes: 100 * GB,
    load1: figures.load ?? 0.5,
  };
}

const rule = (overrides: Partial<RuleCondition> = {}): RuleCondition => ({
  metric: 'memory',
  operator: '>',
  threshold: 90,
  durationSeconds: 0,
  ...overrides,
});
const ctx = { serverUnreachable: false, maxGapSeconds: 180 };
/** Samples every `every` seconds for `count` samples, newest first, all with `figures`. */
const series = (count: number, every: number, figures: Parameters<typeof sample>[1]) =>
  Array.from({ length: count }, (_, i) => sample(i * every, figures));

describe('alert rules', () => {
  describe(metricValue.name, () => {
    it('gives cpu, memory and disk as percentages and load as the 1-minute average', () => {
      const s = sample(0, { cpu: 12, memory: 75, disk: 83, load: 2.5 });
      expect(metricValue('cpu', s)).toBe(12);
      expect(metricValue('memory', s)).toBeCloseTo(75, 10);
      expect(metricValue('disk', s)).toBeCloseTo(83, 10);
      expect(metricValue('load', s)).toBe(2.5);
      expect(metricValue('unreachable', s)).toBeNull();
    });

    it('has no figure for an unreachable sample or an unknown total', () => {
      expect(metricValue('cpu', sample(0, {}, false))).toBeNull();
      expect(metricValue('disk', { ...sample(0), diskTotalBytes: 0 })).toBeNull();
      expect(metricValue('memory', { ...sample(0), memoryUsedBytes: null })).toBeNull();
    });
  });

  it.each([
    ['>', 80, false],
    ['>', 80.1, true],
    ['>=', 80, true],
    ['<', 80, false],
    ['<', 79.9, true],
    ['<=', 80, true],
  ] as const)('compares %s against 80 with %d: %s', (operator, value, expected) => {
    expect(compare(operator, value, 80)).toBe(expected);
  });

  describe(evaluateRule.name, () => {
    it('with no duration, looks at the newest sample only', () => {
      expect(evaluateRule(rule({ metric: 'disk', threshold: 80 }), [sample(0, { disk: 83 })], ctx)).toEqual({
        state: 'breached',
        value: expect.closeTo(83, 6),
      });
      expect(evaluateRule(rule({ metric: 'disk', threshold: 80 }), [sample(0, { disk: 79 }), sample(60, { disk: 95 })], ctx).state).toBe('clear');
    });

    it('with a duration, is breached only when every sample of the window breaches and they cover it', () => {
      const memory5min = rule({ durationSeconds: 300 });
      // Samples every 60 s: 0, 60, …, 300 s ago all above 90 %: the run spans the 5 minutes.
      expect(evaluateRule(memory5min, series(6, 60, { memory: 95 }), ctx).state).toBe('breached');
      // Only 4 minutes of breaching so far: not yet (and not clear either: an open alert would stay open).
      expect(evaluateRule(memory5min, series(5, 60, { memory: 95 }), ctx).state).toBe('undecided');
      // One sample in the window below the threshold resets the run.
      const dip = series(6, 60, { memory: 95 });
      dip[2] = sample(120, { memory: 50 });
      expect(evaluateRule(memory5min, dip, ctx).state).toBe('undecided');
    });

    it('does not count time the checks did not run (a gap longer than allowed breaks the run)', () => {
      const memory5min = rule({ durationSeconds: 300 });
      const gap = [sample(0, { memory: 95 }), sample(60, { memory: 95 }), sample(600, { memory: 95 }), sample(660, { memory: 95 })];
      expect(evaluateRule(memory5min, gap, ctx).state).toBe('undecided');
      expect(evaluateRule(memory5min, gap, { ...ctx, maxGapSeconds: 600 }).state).toBe('breached');
    });

    it('treats an unreachable sample in the window as not breaching, and has no verdict when the newest has no figure', () => {
      const memory5min = rule({ durationSeconds: 300 });
      const holed = series(6, 60, { memory: 95 });
      holed[3] = sample(180, {}, false);
      expect(evaluateRule(memory5min, holed, ctx).state).toBe('undecided');
      expect(evaluateRule(rule(), [sample(0, {}, false)], ctx)).toEqual({ state: 'undecided', value: null });
      expect(evaluateRule(rule(), [], ctx)).toEqual({ state: 'undecided', value: null });
    });

    it('is clear as soon as the newest sample is back to normal, whatever the duration', () => {
      expect(evaluateRule(rule({ durationSeconds: 3_600 }), [sample(0, { memory: 40 }), ...series(100, 60, { memory: 99 })], ctx).state).toBe(
        'clear',
      );
    });

    it('opens `unreachable` with the server status (3 failed checks), not at the first failure, and clears at the first success', () => {
      const unreachable = rule({ metric: 'unreachable', threshold: 0 });
      const failing = [sample(0, {}, false), sample(60, {}, false)];
      expect(evaluateRule(unreachable, failing, { ...ctx, serverUnreachable: false }).state).toBe('undecided');
      expect(evaluateRule(unreachable, failing, { ...ctx, serverUnreachable: true })).toEqual({ state: 'breached', value: null });
      expect(evaluateRule(unreachable, [sample(0), ...failing], { ...ctx, serverUnreachable: false }).state).toBe('clear');
      // With a duration: unreachable samples must span it.
      const tenMinutes = rule({ metric: 'unreachable', durationSeconds: 600 });
      expect(
        evaluateRule(tenMinutes, [sample(0, {}, false), sample(300, {}, false)], { ...ctx, serverUnreachable: true, maxGapSeconds: 300 }).state,
      ).toBe('undecided');
      expect(
        evaluateRule(
          tenMinutes,
          [0, 300, 600].map((s) => sample(s, {}, false)),
          { ...ctx, serverUnreachable: true, maxGapSeconds: 300 },
        ).state,
      ).toBe('breached');
    });

    it('reads load and cpu with every operator, including a threshold of 0', () => {
      expect(evaluateRule(rule({ metric: 'cpu', operator: '>=', threshold: 0 }), [sample(0, { cpu: 0 })], ctx).state).toBe('breached');
      expect(evaluateRule(rule({ metric: 'load', operator: '<', threshold: 1 }), [sample(0, { load: 0.2 })], ctx).state).toBe('breached');
      expect(evaluateRule(rule({ metric: 'load', operator: '<', threshold: 1 }), [sample(0, { load: 1 })], ctx).state).toBe('clear');
    });
  });

  describe(alertMessage.name, () => {
    it('says what crossed which threshold, for how long, on which server', () => {
      expect(alertMessage(rule({ metric: 'disk', threshold: 80 }), 83.4, 'web-1', null)).toBe('Disk 83 % > 80 % on web-1');
      expect(alertMessage(rule({ durationSeconds: 300 }), 93.04, 'web-1', null)).toBe('Memory 93 % > 90 % for 5 min on web-1');
      expect(alertMessage(rule({ metric: 'cpu', operator: '>=', threshold: 0 }), 0.43, 'db', null)).toBe('CPU 0.4 % >= 0 % on db');
      expect(alertMessage(rule({ metric: 'load', threshold: 4.25 }), 5.678, 'db', null)).toBe('Load 5.7 > 4.25 on db');
    });

    it('gives the reason for unreachable', () => {
      expect(alertMessage(rule({ metric: 'unreachable' }), null, 'web-1', 'Nothing accepts SSH connections on 10.0.0.5:22.')).toBe(
        'web-1 is unreachable: Nothing accepts SSH connections on 10.0.0.5:22.',
      );
      expect(alertMessage(rule({ metric: 'unreachable', durationSeconds: 7_200 }), null, 'web-1', null)).toBe('web-1 is unreachable for 2 h');
    });

    it.each([
      [45, '45 s'],
      [300, '5 min'],
      [5_400, '90 min'],
      [86_400, '24 h'],
    ])('writes %d seconds as %s', (seconds, words) => {
      expect(formatDuration(seconds)).toBe(words);
    });
  });
});
