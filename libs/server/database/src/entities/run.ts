import type { ReasonCode } from '@zpanel/contracts';
import { Column } from 'typeorm';
import { CreatedEntity, TeamIdColumn } from './columns';

/**
 * The lease columns of a run: a row the API queues and a worker claims, runs under a lease and
 * finishes. Who asked for it and its lease columns are alike in every such table; the owner differs
 * (a team's runs, or backups and restores, whose team is null for the instance's own database).
 */
export abstract class LeasedRunEntity extends CreatedEntity {
  /** The person, or the creator of the API token that asked. */
  @Column('uuid', { name: 'user_id', nullable: true })
  userId: string | null;

  @Column('uuid', { name: 'token_id', nullable: true })
  tokenId: string | null;

  /** The person's name when the run was asked for, kept if the account goes. */
  @Column('text', { name: 'actor_name' })
  actorName: string;

  /** Set by the API; the worker holding the run polls it and stops what it is doing. */
  @Column('timestamptz', { name: 'cancel_requested_at', nullable: true })
  cancelRequestedAt: Date | null;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('timestamptz', { name: 'heartbeat_at', nullable: true })
  heartbeatAt: Date | null;
}

/** A run of one team's (deployments, command runs, database operations). */
export abstract class RunEntity extends LeasedRunEntity {
  @TeamIdColumn()
  teamId: string;
}

/**
 * A backup or a restore (docs/backups.md, "Data model"): a leased run owned by a team or the instance
 * (`teamId` null), queued with a timeout, with the outcome, the reason and the log alike in both.
 */
export abstract class BackupJobEntity<S extends string> extends LeasedRunEntity {
  @Column('uuid', { name: 'team_id', nullable: true })
  teamId: string | null;

  @Column('integer', { name: 'timeout_minutes', default: 60 })
  timeoutMinutes: number;

  @Column('text', { default: 'queued' })
  status: S;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('text', { name: 'reason_code', nullable: true })
  reasonCode: ReasonCode | null;

  /** What the run did, line by line, secrets redacted; saved with each heartbeat and at the end, capped. */
  @Column('text', { default: '' })
  log: string;

  @Column('text', { name: 'worker_id', nullable: true })
  workerId: string | null;
}
