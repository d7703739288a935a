import type { AlertMetric, AlertOperator } from '@zpanel/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Every new server gets these (the migration gave them to servers that existed before). */
export const DEFAULT_ALERT_RULES: readonly { metric: AlertMetric; operator: AlertOperator; threshold: number; durationSeconds: number }[] = [
  { metric: 'disk', operator: '>', threshold: 80, durationSeconds: 0 },
  { metric: 'memory', operator: '>', threshold: 90, durationSeconds: 300 },
  { metric: 'unreachable', operator: '>', threshold: 0, durationSeconds: 0 },
];

@Entity({ name: 'alert_rules' })
export class AlertRuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'team_id' })
  teamId: string;

  @Column('uuid', { name: 'server_id' })
  serverId: string;

  @Column('text')
  metric: AlertMetric;

  @Column('text')
  operator: AlertOperator;

  @Column('double precision')
  threshold: number;

  @Column('integer', { name: 'duration_seconds' })
  durationSeconds: number;

  @Column('boolean')
  enabled: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
