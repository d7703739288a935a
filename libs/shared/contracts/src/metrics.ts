/** Server checks, metric samples and alerts. */

export interface ContainerMetricDto {
  id: string;
  name: string;
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number | null;
}

/** What a server's host reads out: null where a figure could not be read. */
export interface HostStats {
  /** Busy share of all cores, 0..100. */
  cpuPercent: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  /** Of the root filesystem; total is used + available, so used/total is what `df` prints as Use%. */
  diskUsedBytes: number | null;
  diskTotalBytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
}

/**
 * One sample of a server. Percentages are 0..100 of the whole machine (CPU over all cores).
 * Fields are null when the server was unreachable or the value could not be read.
 */
export interface ServerMetricSampleDto extends HostStats {
  ts: string;
  reachable: boolean;
  /** Per-container usage; only on raw samples (downsampled points carry none). */
  containers: ContainerMetricDto[];
}

export const METRICS_RANGES = ['1h', '24h', '7d'] as const;
export type MetricsRange = (typeof METRICS_RANGES)[number];

/** `GET /api/v1/servers/{id}/metrics?range=1h` */
export interface ServerMetricsDto {
  serverId: string;
  range: MetricsRange;
  /** Width of each point's bucket; points are averages over it. */
  resolutionSeconds: number;
  points: ServerMetricSampleDto[];
}

export const ALERT_METRICS = ['cpu', 'memory', 'disk', 'load', 'unreachable'] as const;
/** cpu, memory and disk are percentages; load is the 1-minute load average; unreachable has no value. */
export type AlertMetric = (typeof ALERT_METRICS)[number];
export const ALERT_OPERATORS = ['>', '>=', '<', '<='] as const;
export type AlertOperator = (typeof ALERT_OPERATORS)[number];

export interface AlertRuleDto {
  id: string;
  serverId: string;
  metric: AlertMetric;
  operator: AlertOperator;
  threshold: number;
  /** The condition must hold for this long (every sample in the window) before the alert opens. */
  durationSeconds: number;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CreateAlertRuleRequest {
  metric: AlertMetric;
  operator?: AlertOperator;
  threshold?: number;
  durationSeconds?: number;
  enabled?: boolean;
}

export type UpdateAlertRuleRequest = Partial<CreateAlertRuleRequest>;

export type AlertState = 'open' | 'resolved';

/**
 * What opened an alert: `metric`, a server's alert rule (server, rule and condition set);
 * `backup_missed`, a backup schedule with no verified backup by its slot plus the grace period
 * (`scheduleId` set, the rest null; an instance schedule's alerts are the first team's).
 */
export const ALERT_EVENT_KINDS = ['metric', 'backup_missed'] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

export interface AlertEventDto {
  id: string;
  kind: AlertEventKind;
  serverId: string | null;
  ruleId: string | null;
  metric: AlertMetric | null;
  operator: AlertOperator | null;
  threshold: number | null;
  /** The backup schedule that missed (`backup_missed`). */
  scheduleId: string | null;
  state: AlertState;
  /** The value that opened the alert (null for unreachable). */
  value: number | null;
  /** In words, e.g. "Disk 83 % > 80 % on web-1". */
  message: string;
  openedAt: string;
  resolvedAt: string | null;
}
