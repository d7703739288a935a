import type { CommandRunStatus } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { RunEntity } from './run';

/** A command an admin ran on a server; the worker fills in how it went (a cancel kills the command). */
@Entity({ name: 'command_runs' })
export class CommandRunEntity extends RunEntity {
  @Column('uuid', { name: 'server_id' })
  serverId: string;

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
}

/** Binds a sealed output to its run, so it cannot be pasted onto another run. */
export const commandOutputAad = (runId: string) => `command_run_output:${runId}`;
