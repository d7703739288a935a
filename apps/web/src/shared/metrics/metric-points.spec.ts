import { describe, expect, it } from 'vitest';
import { aMetrics, aSample } from '../../test/metrics-fixtures';
import { appendSample, chartPoints, LIVE_WINDOW_MS } from './metric-points';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 5, 12) + ms).toISOString();

describe('appendSample', () => {
  it('adds a newer sample at the end', () => {
    const metrics = aMetrics([aSample({ ts: at(0) }), aSample({ ts: at(5_000) })]);
    const next = appendSample(metrics, aSample({ ts: at(10_000) }));
    expect(next.points.map((point) => point.ts)).toEqual([at(0), at(5_000), at(10_000)]);
    expect(metrics.points).toHaveLength(2);
  });

  it('skips a sample it already has or one older than the newest (replays, the fetch racing the event)', () => {
    const metrics = aMetrics([aSample({ ts: at(0) }), aSample({ ts: at(5_000) })]);
    expect(appendSample(metrics, aSample({ ts: at(5_000) }))).toBe(metrics);
    expect(appendSample(metrics, aSample({ ts: at(1_000) }))).toBe(metrics);
  });

  it('drops what fell out of the hour', () => {
    const metrics = aMetrics([aSample({ ts: at(0) }), aSample({ ts: at(60_000) })]);
    const next = appendSample(metrics, aSample({ ts: at(LIVE_WINDOW_MS + 30_000) }));
    expect(next.points.map((point) => point.ts)).toEqual([at(60_000), at(LIVE_WINDOW_MS + 30_000)]);
  });

  it('keeps at most the cap, dropping the oldest', () => {
    const metrics = aMetrics([0, 1, 2].map((i) => aSample({ ts: at(i * 1000) })));
    const next = appendSample(metrics, aSample({ ts: at(3_000) }), 3);
    expect(next.points.map((point) => point.ts)).toEqual([at(1_000), at(2_000), at(3_000)]);
  });
});

describe('chartPoints', () => {
  it('turns bytes into percentages and an unreachable sample into a gap', () => {
    const points = chartPoints(
      [
        aSample({ ts: at(0), cpuPercent: 20, memoryUsedBytes: 1, memoryTotalBytes: 4, diskUsedBytes: 3, diskTotalBytes: 4 }),
        aSample({ ts: at(60_000), reachable: false, cpuPercent: null }),
      ],
      60,
    );
    expect(points).toEqual([
      { t: Date.parse(at(0)), cpu: 20, memory: 25, disk: 75 },
      { t: Date.parse(at(60_000)), cpu: null, memory: null, disk: null },
    ]);
  });

  it('breaks the line where samples stopped for more than three intervals', () => {
    const points = chartPoints([aSample({ ts: at(0) }), aSample({ ts: at(60_000) }), aSample({ ts: at(600_000) })], 60);
    expect(points.map((point) => point.cpu === null)).toEqual([false, false, true, false]);
    expect(points[2].t).toBe(Date.parse(at(60_000)) + 1);
  });

  it('draws nothing for a value that could not be read', () => {
    const [point] = chartPoints([aSample({ ts: at(0), memoryTotalBytes: null, diskTotalBytes: 0 })], 60);
    expect(point.memory).toBeNull();
    expect(point.disk).toBeNull();
    expect(point.cpu).toBe(12.5);
  });
});
