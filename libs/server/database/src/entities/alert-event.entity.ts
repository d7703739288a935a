import type { AlertEventDto } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { AlertConditionEntity } from './alert-condition';

/**
 * An alert: opened when its rule is breached, resolved when the condition is back to normal. At
 * most one open per rule (a partial unique index). Keeps the rule's condition as it was when it fired.
 */
@Entity({ name: 'alert_events' })
export class AlertEventEntity extends AlertConditionEntity {
  @Column('uuid', { name: 'rule_id' })
  ruleId: string;

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
    serverId: e.serverId,
    ruleId: e.ruleId,
    metric: e.metric,
    operator: e.operator,
    threshold: e.threshold,
    state: e.resolvedAt ? 'resolved' : 'open',
    value: e.value,
    message: e.message,
    openedAt: e.openedAt.toISOString(),
    resolvedAt: e.resolvedAt?.toISOString() ?? null,
  };
}
