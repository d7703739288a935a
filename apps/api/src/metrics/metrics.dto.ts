import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ALERT_METRICS,
  ALERT_OPERATORS,
  ALERT_EVENT_KINDS,
  type AlertEventDto,
  type AlertEventKind,
  type AlertMetric,
  type AlertOperator,
  type AlertRuleDto,
  type AlertState,
  type ContainerMetricDto,
  type CreateAlertRuleRequest,
  METRICS_RANGES,
  type MetricsRange,
  type ServerMetricSampleDto,
  type ServerMetricsDto,
  type UpdateAlertRuleRequest,
} from '@zpanel/contracts';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { PageQueryDto } from '../http/pagination';

export const ALERT_STATES: readonly AlertState[] = ['open', 'resolved'];

export class MetricsQueryDto {
  @ApiPropertyOptional({ enum: METRICS_RANGES, default: '1h', description: '1h: raw samples; 24h: 1-minute averages; 7d: 10-minute averages' })
  @IsOptional()
  @IsIn(METRICS_RANGES, { message: `range must be one of ${METRICS_RANGES.join(', ')}` })
  range?: MetricsRange;
}

export class AlertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ALERT_STATES, description: 'Omitted: open and resolved alike' })
  @IsOptional()
  @IsIn(ALERT_STATES, { message: 'state must be open or resolved' })
  state?: AlertState;
}

export class ContainerMetricDoc implements ContainerMetricDto {
  @ApiProperty({ example: '3f1c…' }) id: string;
  @ApiProperty({ example: 'zp-web-1a2b3c' }) name: string;
  @ApiProperty({ example: 3.2, description: 'Share of the whole machine (all cores), 0..100' }) cpuPercent: number;
  @ApiProperty({ example: 73400320 }) memoryBytes: number;
  @ApiPropertyOptional({ nullable: true, example: 536870912, description: 'Null without a memory limit' }) memoryLimitBytes: number | null;
}

export class ServerMetricSampleDoc implements ServerMetricSampleDto {
  @ApiProperty({ format: 'date-time' }) ts: string;
  @ApiProperty({ description: 'False when the check could not reach the server; every figure is then null' }) reachable: boolean;
  @ApiPropertyOptional({ nullable: true, example: 12.5, description: 'Busy share of all cores, 0..100' }) cpuPercent: number | null;
  @ApiPropertyOptional({ nullable: true, example: 2147483648 }) memoryUsedBytes: number | null;
  @ApiPropertyOptional({ nullable: true, example: 8589934592 }) memoryTotalBytes: number | null;
  @ApiPropertyOptional({ nullable: true, example: 42949672960, description: 'Root filesystem' }) diskUsedBytes: number | null;
  @ApiPropertyOptional({ nullable: true, example: 107374182400, description: 'Used + available, so used/total is what df shows as Use%' })
  diskTotalBytes: number | null;
  @ApiPropertyOptional({ nullable: true, example: 0.42 }) load1: number | null;
  @ApiPropertyOptional({ nullable: true, example: 0.35 }) load5: number | null;
  @ApiPropertyOptional({ nullable: true, example: 0.3 }) load15: number | null;
  @ApiProperty({ type: [ContainerMetricDoc], description: 'Running containers (at most 30); empty on averaged points' })
  containers: ContainerMetricDoc[];
}

export class ServerMetricsDoc implements ServerMetricsDto {
  @ApiProperty({ format: 'uuid' }) serverId: string;
  @ApiProperty({ enum: METRICS_RANGES, example: '1h' }) range: MetricsRange;
  @ApiProperty({ example: 60, description: 'Width of each point: the check interval for 1h, else the bucket averaged' }) resolutionSeconds: number;
  @ApiProperty({ type: [ServerMetricSampleDoc], description: 'Oldest first' }) points: ServerMetricSampleDoc[];
}

export class AlertRuleDoc implements AlertRuleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) serverId: string;
  @ApiProperty({ enum: ALERT_METRICS, example: 'disk' }) metric: AlertMetric;
  @ApiProperty({ enum: ALERT_OPERATORS, example: '>' }) operator: AlertOperator;
  @ApiProperty({ example: 80 }) threshold: number;
  @ApiProperty({ example: 0 }) durationSeconds: number;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class AlertRulePageDoc {
  @ApiProperty({ type: [AlertRuleDoc] }) items: AlertRuleDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class AlertEventDoc implements AlertEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    enum: ALERT_EVENT_KINDS,
    example: 'metric',
    description: "metric: a server's alert rule breached; backup_missed: a backup schedule with no verified backup by its slot plus the grace period",
  })
  kind: AlertEventKind;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'metric alerts' }) serverId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'metric alerts' }) ruleId: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ALERT_METRICS, example: 'disk', description: 'metric alerts' }) metric: AlertMetric | null;
  @ApiPropertyOptional({ nullable: true, enum: ALERT_OPERATORS, example: '>', description: 'metric alerts' }) operator: AlertOperator | null;
  @ApiPropertyOptional({ nullable: true, type: Number, example: 80, description: 'metric alerts' }) threshold: number | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'backup_missed alerts: the schedule (an instance schedule’s alerts are in the first team’s list)',
  })
  scheduleId: string | null;
  @ApiProperty({ enum: ALERT_STATES, example: 'open' }) state: AlertState;
  @ApiPropertyOptional({ nullable: true, example: 83.4, description: 'The figure that opened the alert (null for unreachable)' }) value:
    number | null;
  @ApiProperty({ example: 'Disk 83 % > 80 % on web-1' }) message: string;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) resolvedAt: string | null;
}

export class AlertEventPageDoc {
  @ApiProperty({ type: [AlertEventDoc] }) items: AlertEventDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class CreateAlertRuleDto implements CreateAlertRuleRequest {
  @ApiProperty({
    enum: ALERT_METRICS,
    example: 'cpu',
    description: 'cpu, memory and disk in %, load as the 1-minute load average, unreachable: 3 failed checks in a row',
  })
  @IsIn(ALERT_METRICS, { message: `metric must be one of ${ALERT_METRICS.join(', ')}` })
  metric: AlertMetric;

  @ApiPropertyOptional({ enum: ALERT_OPERATORS, default: '>', example: '>' })
  @IsOptional()
  @IsIn(ALERT_OPERATORS, { message: `operator must be one of ${ALERT_OPERATORS.join(' ')}` })
  operator?: AlertOperator;

  @ApiPropertyOptional({ example: 90, minimum: 0, description: 'Required except for unreachable; 0..100 for cpu, memory and disk' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'threshold must be a number' })
  @Min(0, { message: 'threshold must be 0 or more' })
  threshold?: number;

  @ApiPropertyOptional({
    example: 300,
    minimum: 0,
    maximum: 86_400,
    default: 0,
    description: 'The condition must hold this long (every sample) before the alert opens',
  })
  @IsOptional()
  @IsInt({ message: 'durationSeconds must be a whole number of seconds' })
  @Min(0, { message: 'durationSeconds must be between 0 and 86400' })
  @Max(86_400, { message: 'durationSeconds must be between 0 and 86400' })
  durationSeconds?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

/** Every field optional; only what is sent changes. */
export class UpdateAlertRuleDto extends PartialType(CreateAlertRuleDto) implements UpdateAlertRuleRequest {}
