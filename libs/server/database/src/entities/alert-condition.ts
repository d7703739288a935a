import type { AlertMetric, AlertOperator } from '@zpanel/contracts';
import { Column } from 'typeorm';
import { TeamOwnedEntity } from './columns';

/** A condition on one server's metric: a rule's (a `metric` alert keeps a copy of it as it was when it fired, in nullable columns of its own). */
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
