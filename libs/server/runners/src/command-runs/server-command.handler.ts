import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type CommandRunLiveEvent, type CommandRunStatus, JobName, type JobPayload, type JobResult, LiveTopics } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, SecretBox } from '@zpanel/core';
import { type CommandRunEntity, CommandRunsRepository, commandOutputAad } from '@zpanel/database';
import { HandlesJob, type JobContext, type JobHandler, LiveStreams, WORKER_ID } from '@zpanel/queue';
import { ConnectionLostError, type ExecResult, ServerUnreachableError } from '@zpanel/remote';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { COMMAND_RUNS, type LeaseStopReason, type LeaseTimings, RunLease, RunLeaseStore } from '../run-lease';
import { CommandOutput, PeriodicFlusher } from './command-output';
import { describeConnectError } from '../servers/server-validation.handler';
import { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';

interface Outcome {
  status: Extract<CommandRunStatus, 'succeeded' | 'failed' | 'cancelled'>;
  exitCode: number | null;
  error: string | null;
}

/** heartbeatMs: how often the heartbeat (and the output so far) is saved; the reaper fails runs silent for RUN_LEASE_TTL_MS. */
export interface CommandRunTimings extends LeaseTimings {
  /** Output is batched this long into one live event per stream switch. */
  liveBatchMs: number;
}

export const COMMAND_RUN_TIMINGS: CommandRunTimings = { heartbeatMs: 3_000, cancelPollMs: 1_000, liveBatchMs: 100 };

/** Live entries kept per run: every batch of a 1 MiB output, even one that switches streams often. */
const LIVE_MAX_ENTRIES = 100_000;
/** The topic outlives the run by an hour, so a page opened after it ended still replays it. */
const LIVE_TTL_AFTER_RUN_SECONDS = 3_600;

/**
 * Runs a command an admin typed (ChatOps) on a server, as `sh -c <command>` through the pooled SSH
 * connection: the command is the user's by design (no allowlist), but it reaches the server as one
 * argument of argv, never spliced into another shell string. The row is claimed atomically, so a
 * command runs at most once whatever the queue does; output streams to the run's live topic in
 * ~100 ms batches and is stored capped at 1 MiB; a heartbeat lets the reaper fail runs whose worker
 * died. A stopping worker fails its runs instead of handing them back: a command is never re-run.
 */
@Injectable()
@HandlesJob(JobName.ServerCommand)
export class ServerCommandHandler implements JobHandler<JobName.ServerCommand> {
  private readonly logger: Logger;
  /** Replaced by tests that cannot wait for a heartbeat. */
  timings: CommandRunTimings;
  private readonly lease: RunLease;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly runs: CommandRunsRepository,
    private readonly targets: ServerTargets,
    private readonly pool: WorkerSshPool,
    private readonly live: LiveStreams,
    @InjectLogger() logger: Logger,
    @Inject(WORKER_ID) workerId: string,
    @InjectConfig() config: AppConfig,
    private readonly box: SecretBox,
  ) {
    this.logger = logger.child({ component: 'command-runs' });
    this.timings = { ...COMMAND_RUN_TIMINGS, heartbeatMs: config.runs.heartbeatMs };
    this.lease = new RunLease(new RunLeaseStore(dataSource, COMMAND_RUNS), workerId, () => this.timings, this.logger, COMMAND_RUNS.whenGone);
  }

  /** The output as stored: sealed, since a command may print secrets. */
  private sealed(runId: string, output: CommandOutput): string {
    return this.box.seal(output.text, commandOutputAad(runId));
  }

  async handle({ runId }: JobPayload<JobName.ServerCommand>, context: JobContext): Promise<JobResult<JobName.ServerCommand>> {
    const run = await this.claim(runId);
    // Cancelled while queued, run already (a duplicate job), or deleted with its server.
    if (!run) return { ran: false };

    const topic = LiveTopics.commandRun(runId);
    const liveOptions = { maxLen: LIVE_MAX_ENTRIES, ttlSeconds: run.timeoutSeconds + LIVE_TTL_AFTER_RUN_SECONDS };
    const append = async (event: CommandRunLiveEvent) => {
      try {
        await this.live.append(topic, event, liveOptions);
      } catch (error) {
        // Live output is a convenience: the stored output and status stay the truth.
        this.logger.warn({ err: error, runId }, 'command output not sent live');
      }
    };

    const output = new CommandOutput();
    const flusher = new PeriodicFlusher(async () => {
      for (const event of output.takeEvents()) await append(event);
    }, this.timings.liveBatchMs);

    let savedVersion = output.version;
    const held = this.lease.hold(runId, {
      workerSignal: context.signal,
      // The output so far goes with the heartbeat, only when it grew.
      progress: () => {
        const version = output.version;
        const changed = version !== savedVersion;
        savedVersion = version;
        return changed ? { output: this.sealed(runId, output), outputTruncated: output.truncated } : {};
      },
    });

    flusher.start();
    let outcome: Outcome;
    try {
      outcome = await this.execute(run, output, held.signal);
    } catch (error) {
      // The database or the key store failed, not the command: still a finished run, not a stuck one.
      this.logger.error({ err: error, runId }, 'command run failed unexpectedly');
      outcome = { status: 'failed', exitCode: null, error: 'Zpanel could not run the command (an internal error; see the worker log).' };
    } finally {
      held.release();
      output.end();
      await flusher.stop();
    }

    const finished = await this.lease.finish(runId, {
      status: outcome.status,
      exitCode: outcome.exitCode,
      error: outcome.error,
      output: this.sealed(runId, output),
      outputTruncated: output.truncated,
    });
    // False: the reaper already failed the run (this worker looked dead) or its server was deleted.
    if (finished) await append({ type: 'finished', status: outcome.status, exitCode: outcome.exitCode });
    this.logger.info({ runId, serverId: run.serverId, status: outcome.status, exitCode: outcome.exitCode }, 'command run finished');
    return { ran: true, status: outcome.status };
  }

  /** Of two jobs for one run, only one gets the row. */
  private async claim(runId: string): Promise<CommandRunEntity | undefined> {
    return (await this.lease.claim(runId)) ? ((await this.runs.findByIdAcrossTeams(runId)) ?? undefined) : undefined;
  }

  private async execute(run: CommandRunEntity, output: CommandOutput, signal: AbortSignal): Promise<Outcome> {
    const loaded = await this.targets.load(run.serverId);
    if (!loaded) return { status: 'failed', exitCode: null, error: 'The server no longer exists.' };
    let result: ExecResult;
    try {
      result = await this.pool.exec(loaded.target, ['sh', '-c', run.command], {
        timeoutMs: run.timeoutSeconds * 1000,
        signal,
        onStdout: (chunk) => output.write('stdout', chunk),
        onStderr: (chunk) => output.write('stderr', chunk),
        // Everything is kept by `output` (capped); the exec's own buffers would only double it.
        maxBufferBytes: 0,
      });
    } catch (error) {
      if (signal.aborted) return aborted(signal.reason as LeaseStopReason);
      if (error instanceof ConnectionLostError)
        return { status: 'failed', exitCode: null, error: `The SSH connection to ${error.host} was lost while the command ran.` };
      const cause = error instanceof ServerUnreachableError ? error.cause : error;
      return { status: 'failed', exitCode: null, error: describeConnectError(cause, loaded.target) };
    }
    if (result.cancelled) return aborted(signal.reason as LeaseStopReason);
    if (result.timedOut)
      return { status: 'failed', exitCode: null, error: `Timed out after ${run.timeoutSeconds} s: the command and its children were killed.` };
    if (result.exitCode === 0) return { status: 'succeeded', exitCode: 0, error: null };
    if (result.exitCode !== null) return { status: 'failed', exitCode: result.exitCode, error: `Exited with code ${result.exitCode}.` };
    return {
      status: 'failed',
      exitCode: null,
      error: result.signal ? `Killed by signal ${result.signal}.` : 'The command ended without an exit status.',
    };
  }
}

function aborted(reason: LeaseStopReason): Outcome {
  if (reason === 'cancelled') return { status: 'cancelled', exitCode: null, error: 'Cancelled: the command and its children were killed.' };
  if (reason === 'deleted') return { status: 'failed', exitCode: null, error: 'The run was deleted while it ran.' };
  return { status: 'failed', exitCode: null, error: 'The worker stopped while the command ran; it is not run again by itself.' };
}
