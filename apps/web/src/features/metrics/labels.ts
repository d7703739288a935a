import { Ability, type AlertMetric, type AlertOperator, type AlertRuleDto, ROLE_ABILITIES, type MetricsRange, type Role } from '@zpanel/contracts';

export const RANGE_LABELS: Record<MetricsRange, string> = { '1h': 'Last hour', '24h': 'Last day', '7d': 'Last week' };

export const METRIC_LABELS: Record<AlertMetric, string> = {
  cpu: 'CPU',
  memory: 'Memory',
  disk: 'Disk',
  load: 'Load (1 min)',
  unreachable: 'Unreachable',
};

export const OPERATOR_LABELS: Record<AlertOperator, string> = { '>': 'above', '>=': 'at or above', '<': 'below', '<=': 'at or below' };

export const PERCENT_METRICS: ReadonlySet<AlertMetric> = new Set(['cpu', 'memory', 'disk']);
export const MAX_DURATION_SECONDS = 86_400;

/** `undefined` when the role may change alert rules; else why not. */
export function whyCannotEditRules(role: Role): string | undefined {
  return ROLE_ABILITIES[role].includes(Ability.Write) ? undefined : `Your role (${role}) cannot change alert rules: ask a member, admin or owner`;
}

/** "for 5 min", "at once". */
export function holdDuration(seconds: number): string {
  if (seconds === 0) return 'at once';
  if (seconds % 3600 === 0) return `for ${seconds / 3600} h`;
  if (seconds % 60 === 0) return `for ${seconds / 60} min`;
  return `for ${seconds} s`;
}

export function thresholdText(metric: AlertMetric, value: number): string {
  return PERCENT_METRICS.has(metric) ? `${value} %` : String(value);
}

/** "Disk above 80 % for 5 min", "Unreachable at once". */
export function describeRule(rule: Pick<AlertRuleDto, 'metric' | 'operator' | 'threshold' | 'durationSeconds'>): string {
  const when = holdDuration(rule.durationSeconds);
  if (rule.metric === 'unreachable') return `Unreachable ${when}`;
  return `${METRIC_LABELS[rule.metric]} ${OPERATOR_LABELS[rule.operator]} ${thresholdText(rule.metric, rule.threshold)} ${when}`;
}

/** "42.5 %", one decimal below 10. */
export function percent(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} %`;
}
