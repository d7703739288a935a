import type { AlertMetric, AlertOperator } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { AlertConditionEntity } from './alert-condition';
import { CreatedAtColumn, UpdatedAtColumn } from './columns';

/** Every new server gets these (the migration gave them to servers that existed before). */
export const DEFAULT_ALERT_RULES: readonly { metric: AlertMetric; operator: AlertOperator; threshold: number; durationSeconds: number }[] = [
  { metric: 'disk', operator: '>', threshold: 80, durationSeconds: 0 },
  { metric: 'memory', operator: '>', threshold: 90, durationSeconds: 300 },
  { metric: 'unreachable', operator: '>', threshold: 0, durationSeconds: 0 },
];

@Entity({ name: 'alert_rules' })
export class AlertRuleEntity extends AlertConditionEntity {
  @Column('integer', { name: 'duration_seconds' })
  durationSeconds: number;

  @Column('boolean')
  enabled: boolean;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
