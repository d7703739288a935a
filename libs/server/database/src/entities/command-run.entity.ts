import type { CommandRunStatus } from '@zpanel/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A command an admin ran on a server; the worker fills in how it went. */
@Entity({ name: 'command_runs' })
export class CommandRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'team_id' })
  teamId: string;

  @Column('uuid', { name: 'server_id' })
  serverId: string;

  /** The person, or the creator of the API token that started the run. */
  @Column('uuid', { name: 'user_id', nullable: true })
  userId: string | null;

  @Column('uuid', { name: 'token_id', nullable: true })
  tokenId: string | null;

  /** The person's name when the run started, kept if the account goes. */
  @Column('text', { name: 'actor_name' })
  actorName: string;

  @Column('text')
  command: string;

  @Column('integer', { name: 'timeout_seconds' })
  timeoutSeconds: number;

  @Column('text')
  status: CommandRunStatus;

  @Column('integer', { name: 'exit_code', nullable: true })
  exitCode: number | null;

  /**
   * Sealed with the instance key (`commandOutputAad`): a command's output may print secrets (an
   * env file, a token). '' until the worker first saves some.
   */
  @Column('text')
  output: string;

  @Column('boolean', { name: 'output_truncated' })
  outputTruncated: boolean;

  @Column('text', { nullable: true })
  error: string | null;

  /** Set by the API; the worker running the command polls it and kills the command. */
  @Column('timestamptz', { name: 'cancel_requested_at', nullable: true })
  cancelRequestedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('timestamptz', { name: 'heartbeat_at', nullable: true })
  heartbeatAt: Date | null;
}

/** Binds a sealed output to its run, so it cannot be pasted onto another run. */
export const commandOutputAad = (runId: string) => `command_run_output:${runId}`;
