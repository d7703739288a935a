import type { AlertMetric, AlertOperator } from '@zpanel/contracts';

/** The figures of one sample that rules look at. */
export interface RuleSample {
  ts: Date;
  reachable: boolean;
  cpuPercent: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  diskUsedBytes: number | null;
  diskTotalBytes: number | null;
  load1: number | null;
}

export interface RuleCondition {
  metric: AlertMetric;
  operator: AlertOperator;
  threshold: number;
  durationSeconds: number;
}

/**
 * `breached`: open an alert (if none is open). `clear`: back to normal, resolve the open one.
 * `undecided`: keep whatever is the case now (breaching, but not yet for the whole duration; or the
 * sample says nothing about this metric, e.g. CPU of an unreachable server).
 */
export type RuleState = 'breached' | 'clear' | 'undecided';

const percentOf = (used: number | null, total: number | null): number | null =>
  used === null || total === null || total <= 0 ? null : (used / total) * 100;

/** The rule's figure in a sample: cpu, memory and disk as percentages, load as the 1-minute average. */
export function metricValue(metric: AlertMetric, sample: RuleSample): number | null {
  if (!sample.reachable) return null;
  switch (metric) {
    case 'cpu':
      return sample.cpuPercent;
    case 'memory':
      return percentOf(sample.memoryUsedBytes, sample.memoryTotalBytes);
    case 'disk':
      return percentOf(sample.diskUsedBytes, sample.diskTotalBytes);
    case 'load':
      return sample.load1;
    case 'unreachable':
      return null;
  }
}

export function compare(operator: AlertOperator, value: number, threshold: number): boolean {
  switch (operator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

export interface EvaluationContext {
  /** The server's status after this check: the `unreachable` metric follows it (3 failed checks in a row). */
  serverUnreachable: boolean;
  /** Two samples further apart than this do not cover the time between them (the checks stopped meanwhile). */
  maxGapSeconds: number;
}

/**
 * A rule with duration D is breached when every sample of the last D seconds breaches and those
 * samples cover the window: the run of breaching samples that ends with the newest one, without a
 * gap, started at least D seconds before it. D = 0 looks at the newest sample only. It is clear
 * as soon as the newest sample does not breach.
 *
 * @param samples newest first; `samples[0]` is the sample just taken.
 */
export function evaluateRule(
  rule: RuleCondition,
  samples: readonly RuleSample[],
  context: EvaluationContext,
): { state: RuleState; value: number | null } {
  const latest = samples[0];
  if (!latest) return { state: 'undecided', value: null };

  const breaches = (sample: RuleSample): boolean | null => {
    if (rule.metric === 'unreachable') return !sample.reachable;
    const value = metricValue(rule.metric, sample);
    return value === null ? null : compare(rule.operator, value, rule.threshold);
  };

  const value = metricValue(rule.metric, latest);
  if (rule.metric === 'unreachable') {
    if (latest.reachable) return { state: 'clear', value: null };
    // One or two failed checks are not yet "unreachable": the server status decides.
    if (!context.serverUnreachable) return { state: 'undecided', value: null };
  } else {
    const now = breaches(latest);
    if (now === null) return { state: 'undecided', value };
    if (!now) return { state: 'clear', value };
  }
  if (rule.durationSeconds <= 0) return { state: 'breached', value };

  let runStart = latest.ts.getTime();
  for (let i = 1; i < samples.length; i += 1) {
    const sample = samples[i];
    const gapMs = samples[i - 1].ts.getTime() - sample.ts.getTime();
    if (gapMs > context.maxGapSeconds * 1000 || breaches(sample) !== true) break;
    runStart = sample.ts.getTime();
  }
  return { state: latest.ts.getTime() - runStart >= rule.durationSeconds * 1000 ? 'breached' : 'undecided', value };
}

const METRIC_LABELS: Record<AlertMetric, string> = { cpu: 'CPU', memory: 'Memory', disk: 'Disk', load: 'Load', unreachable: 'Reachability' };

function formatNumber(value: number): string {
  const rounded = Math.abs(value) < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return String(rounded);
}

export function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** In words, e.g. "Disk 83 % > 80 % on web-1" or "Memory 93 % > 90 % for 5 min on web-1". */
export function alertMessage(rule: RuleCondition, value: number | null, serverName: string, statusReason: string | null): string {
  if (rule.metric === 'unreachable') {
    const reason = statusReason ? `: ${statusReason}` : '';
    return `${serverName} is unreachable${rule.durationSeconds > 0 ? ` for ${formatDuration(rule.durationSeconds)}` : ''}${reason}`;
  }
  const unit = rule.metric === 'load' ? '' : ' %';
  const shown = value === null ? '?' : formatNumber(value);
  const duration = rule.durationSeconds > 0 ? ` for ${formatDuration(rule.durationSeconds)}` : '';
  // The threshold is shown as set (up to two decimals), the measured value rounded like a gauge.
  const threshold = String(Math.round(rule.threshold * 100) / 100);
  return `${METRIC_LABELS[rule.metric]} ${shown}${unit} ${rule.operator} ${threshold}${unit}${duration} on ${serverName}`;
}
