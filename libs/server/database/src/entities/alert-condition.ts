import type { AlertMetric, AlertOperator } from '@zpanel/contracts';
import { Column } from 'typeorm';
import { TeamOwnedEntity } from './columns';

/** A condition on one server's metric: a rule's, and an alert's copy of its rule's as it was when it fired. */
export abstract class AlertConditionEntity extends TeamOwnedEntity {
  @Column('uuid', { name: 'server_id' })
  serverId: string;

  @Column('text')
  metric: AlertMetric;

  @Column('text')
  operator: AlertOperator;

  @Column('double precision')
  threshold: number;
}
