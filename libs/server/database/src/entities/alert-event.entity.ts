import type { AlertEventDto, AlertEventKind, AlertMetric, AlertOperator } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { TeamOwnedEntity } from './columns';

/**
 * An alert: opened when its cause appears, resolved when it is gone; the notifications issue will
 * deliver them. `metric`: a server's rule breached (at most one open per rule, a partial unique
 * index), with the rule's condition as it was when it fired. `backup_missed`: a backup schedule got
 * `missed_since` (at most one open per schedule), resolved when a backup counts again. A CHECK holds
 * each kind to its own fields.
 */
@Entity({ name: 'alert_events' })
export class AlertEventEntity extends TeamOwnedEntity {
  @Column('text')
  kind: AlertEventKind;

  @Column('uuid', { name: 'server_id', nullable: true })
  serverId: string | null;

  @Column('uuid', { name: 'rule_id', nullable: true })
  ruleId: string | null;

  @Column('text', { nullable: true })
  metric: AlertMetric | null;

  @Column('text', { nullable: true })
  operator: AlertOperator | null;

  @Column('double precision', { nullable: true })
  threshold: number | null;

  @Column('uuid', { name: 'schedule_id', nullable: true })
  scheduleId: string | null;

  @Column('double precision', { nullable: true })
  value: number | null;

  /** In words, for people and for the notification channels that will send it. */
  @Column('text')
  message: string;

  @Column('timestamptz', { name: 'opened_at' })
  openedAt: Date;

  @Column('timestamptz', { name: 'resolved_at', nullable: true })
  resolvedAt: Date | null;
}

/** The API's and the live events' shape of an alert. */
export function toAlertEventDto(e: AlertEventEntity): AlertEventDto {
  return {
    id: e.id,
    kind: e.kind,
    serverId: e.serverId,
    ruleId: e.ruleId,
    metric: e.metric,
    operator: e.operator,
    threshold: e.threshold,
    scheduleId: e.scheduleId,
    state: e.resolvedAt ? 'resolved' : 'open',
    value: e.value,
    message: e.message,
    openedAt: e.openedAt.toISOString(),
    resolvedAt: e.resolvedAt?.toISOString() ?? null,
  };
}
