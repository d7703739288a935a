import type { DatabaseOperationKind, DatabaseOperationStatus, ReasonCode } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { RunEntity } from './run';

/**
 * One operation on a database (create, start, stop, restart, apply, rotate-password, delete): the API
 * queues it, the worker runs it under the run lease (docs/databases.md, "Operations"). At most one per
 * database is queued or running (a partial unique index). `databaseId` is not a foreign key: a delete
 * outlives the row it removes.
 */
@Entity({ name: 'database_operations' })
export class DatabaseOperationEntity extends RunEntity {
  @Column('uuid', { name: 'database_id' })
  databaseId: string;

  @Column('text')
  kind: DatabaseOperationKind;

  /** `delete` only: the data volume goes too. */
  @Column('boolean', { name: 'delete_data' })
  deleteData: boolean;

  @Column('text')
  status: DatabaseOperationStatus;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('text', { name: 'reason_code', nullable: true })
  reasonCode: ReasonCode | null;

  /** What the operation did, line by line, passwords redacted; saved with each heartbeat and at the end, capped. */
  @Column('text')
  log: string;

  @Column('text', { name: 'worker_id', nullable: true })
  workerId: string | null;
}
