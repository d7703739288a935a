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
