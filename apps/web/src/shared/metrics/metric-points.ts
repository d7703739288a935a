import type { ServerMetricSampleDto, ServerMetricsDto } from '@zpanel/contracts';

/** Width of the live (1h) view. */
export const LIVE_WINDOW_MS = 60 * 60_000;
/** Live samples kept at most: an hour at the shortest check interval (5 s) is 720. */
export const MAX_LIVE_POINTS = 1_500;

/**
 * Adds a live sample to the 1h history: once (a sample replayed or already fetched is skipped), in
 * time order, dropping what fell out of the hour and, past the cap, the oldest.
 */
export function appendSample(metrics: ServerMetricsDto, sample: ServerMetricSampleDto, maxPoints = MAX_LIVE_POINTS): ServerMetricsDto {
  const at = Date.parse(sample.ts);
  const last = metrics.points.at(-1);
  if (last && Date.parse(last.ts) >= at) return metrics;
  const since = at - LIVE_WINDOW_MS;
  const kept = metrics.points.filter((point) => Date.parse(point.ts) > since);
  const points = [...kept, sample];
  return { ...metrics, points: points.length > maxPoints ? points.slice(points.length - maxPoints) : points };
}

export interface ChartPoint {
  /** Epoch milliseconds. */
  t: number;
  /** Null draws a gap: unreachable, unreadable, or no sample at all for a while. */
  cpu: number | null;
  memory: number | null;
  disk: number | null;
}

const percentOf = (used: number | null, total: number | null) => (used === null || total === null || total <= 0 ? null : (used / total) * 100);

/**
 * The chart's series: percentages per point, and a gap wherever samples stopped for more than a
 * few intervals (worker or server down), so a line never bridges a time nobody measured.
 */
export function chartPoints(points: readonly ServerMetricSampleDto[], resolutionSeconds: number): ChartPoint[] {
  const gapMs = Math.max(3 * resolutionSeconds * 1000, 1);
  const out: ChartPoint[] = [];
  let previous: number | undefined;
  for (const point of points) {
    const t = Date.parse(point.ts);
    if (previous !== undefined && t - previous > gapMs) out.push({ t: previous + 1, cpu: null, memory: null, disk: null });
    previous = t;
    out.push(
      point.reachable
        ? {
            t,
            cpu: point.cpuPercent,
            memory: percentOf(point.memoryUsedBytes, point.memoryTotalBytes),
            disk: percentOf(point.diskUsedBytes, point.diskTotalBytes),
          }
        : { t, cpu: null, memory: null, disk: null },
    );
  }
  return out;
}
