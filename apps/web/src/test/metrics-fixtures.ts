import type { AlertEventDto, AlertRuleDto, MetricsRange, ServerMetricSampleDto, ServerMetricsDto } from '@zpanel/contracts';
import { fixture } from './fixture';

const GB = 1024 ** 3;

/** Test data for the metrics specs. */
export const aSample = fixture<ServerMetricSampleDto>(() => ({
  ts: new Date(Date.now() - 60_000).toISOString(),
  reachable: true,
  cpuPercent: 12.5,
  memoryUsedBytes: 2 * GB,
  memoryTotalBytes: 8 * GB,
  diskUsedBytes: 30 * GB,
  diskTotalBytes: 100 * GB,
  load1: 0.42,
  load5: 0.38,
  load15: 0.3,
  containers: [],
}));

/** `count` samples `stepSeconds` apart, the newest `endsAgoMs` before now. */
export function someSamples(count: number, stepSeconds = 60, endsAgoMs = 60_000): ServerMetricSampleDto[] {
  const end = Date.now() - endsAgoMs;
  return Array.from({ length: count }, (_, i) =>
    aSample({ ts: new Date(end - (count - 1 - i) * stepSeconds * 1000).toISOString(), cpuPercent: 10 + i }),
  );
}

export function aMetrics(points: ServerMetricSampleDto[], range: MetricsRange = '1h', resolutionSeconds = 60): ServerMetricsDto {
  return { serverId: 'server-1', range, resolutionSeconds, points };
}

export const anAlert = fixture<AlertEventDto>(() => ({
  id: 'alert-1',
  kind: 'metric',
  serverId: 'server-1',
  ruleId: 'rule-1',
  metric: 'disk',
  operator: '>',
  threshold: 80,
  scheduleId: null,
  state: 'open',
  value: 83,
  message: 'Disk 83 % > 80 % on web-1',
  openedAt: new Date(Date.now() - 600_000).toISOString(),
  resolvedAt: null,
}));

export const aRule = fixture<AlertRuleDto>(() => ({
  id: 'rule-1',
  serverId: 'server-1',
  metric: 'disk',
  operator: '>',
  threshold: 80,
  durationSeconds: 0,
  enabled: true,
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedAt: '2026-01-05T10:00:00.000Z',
}));
