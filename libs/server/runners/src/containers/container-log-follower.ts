import type { ContainerLogLine, ContainerLogLiveEvent } from '@zpanel/contracts';
import { ContainerNotFoundError, type ContainerOperations, type LogStreamName } from '@zpanel/remote';

export interface LogFollowLimits {
  /** The longest a line waits before it is sent. */
  flushMs: number;
  /** A batch goes out at once when it has this many lines. */
  maxBatchLines: number;
  /** Lines held while earlier batches are still being written; beyond it lines are skipped and counted. */
  maxPendingLines: number;
  /** How often the viewer's lease is checked. */
  leaseCheckMs: number;
  /** One follow never lasts longer: the viewer follows again to continue. */
  maxDurationMs: number;
  /** Longer lines are cut, with a marker saying how much was left out. */
  maxLineChars: number;
}

export const LOG_FOLLOW_LIMITS: LogFollowLimits = {
  flushMs: 100,
  maxBatchLines: 500,
  maxPendingLines: 5_000,
  leaseCheckMs: 2_000,
  maxDurationMs: 60 * 60_000,
  maxLineChars: 16 * 1024,
};

/** Where a follow's events go, and whether anyone still reads them. */
export interface LogFollowSink {
  append(event: ContainerLogLiveEvent): Promise<void>;
  /** False once the viewer has left (its lease is gone). */
  viewerPresent(): Promise<boolean>;
}

export const END_REASONS = {
  viewerLeft: 'Nobody follows these logs any more',
  workerStopping: 'The worker is restarting: follow the logs again in a moment',
  maxDuration: (ms: number) => `Stopped after ${Math.round(ms / 60_000)} minutes, the longest one follow lasts: follow again to continue`,
  removed: 'The container was removed',
  stopped: (exitCode: number | null) => `The container stopped${exitCode === null ? '' : ` (exit code ${exitCode})`}`,
  streamEnded: 'The log stream ended (the container may have restarted): follow again to continue',
  sinkFailed: 'Live events are unavailable right now (Redis): follow again in a moment',
} as const;

/**
 * Groups lines into batches (every `flushMs`, or at once at `maxBatchLines`) and writes them in
 * order, one write at a time. A container that writes faster than batches can be written does not
 * grow memory without bound: past `maxPendingLines` lines are skipped and a marker says how many.
 */
class LineBatcher {
  private lines: ContainerLogLine[] = [];
  private inFlight = 0;
  private skipped = 0;
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(
    private readonly sink: LogFollowSink,
    private readonly limits: LogFollowLimits,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  add(stream: LogStreamName, line: string): void {
    if (this.failed) return;
    if (this.lines.length + this.inFlight >= this.limits.maxPendingLines) {
      this.skipped += 1;
      return;
    }
    this.noteSkipped();
    this.lines.push({ stream, line });
    if (this.lines.length >= this.limits.maxBatchLines) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.limits.flushMs);
  }

  /** Writes what is buffered and resolves once every batch so far is written (or writing failed). */
  async close(): Promise<void> {
    this.noteSkipped();
    this.flush();
    await this.writing;
  }

  private noteSkipped(): void {
    if (this.skipped === 0) return;
    this.lines.push({ stream: 'stdout', line: `[zpanel] ${this.skipped} lines skipped: the container wrote them faster than they could be sent` });
    this.skipped = 0;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.lines.length > 0 && !this.failed) {
      const batch = this.lines.splice(0, this.limits.maxBatchLines);
      this.inFlight += batch.length;
      this.writing = this.writing.then(async () => {
        if (this.failed) return;
        try {
          await this.sink.append({ type: 'lines', lines: batch });
        } catch (error) {
          this.failed = true;
          this.onFailure(error);
        } finally {
          this.inFlight -= batch.length;
        }
      });
    }
  }
}

/**
 * Follows one container's log for one viewer: sends the last `tail` lines and then new ones in
 * batches, until the viewer leaves, the container stops, the time limit passes, the job is aborted
 * or something fails; then sends the rest and one `end` event saying why, in words.
 */
export class ContainerLogFollower {
  constructor(
    private readonly containers: ContainerOperations,
    private readonly sink: LogFollowSink,
    /** Words for a failure of the follow itself (server unreachable, no such container). */
    private readonly explain: (error: unknown) => string,
    private readonly limits: LogFollowLimits = LOG_FOLLOW_LIMITS,
  ) {}

  /** Resolves to the end reason once the `end` event is written (rejects only if that write fails). */
  async run(containerId: string, tail: number, jobSignal: AbortSignal): Promise<string> {
    const follow = new AbortController();
    let reason: string | undefined;
    const end = (why: string) => {
      reason ??= why;
      follow.abort();
    };
    const onJobAbort = () => end(END_REASONS.workerStopping);
    if (jobSignal.aborted) onJobAbort();
    else jobSignal.addEventListener('abort', onJobAbort, { once: true });

    const batcher = new LineBatcher(this.sink, this.limits, () => end(END_REASONS.sinkFailed));
    const maxTimer = setTimeout(() => end(END_REASONS.maxDuration(this.limits.maxDurationMs)), this.limits.maxDurationMs);
    const checkViewer = async () => {
      try {
        if (!(await this.sink.viewerPresent())) end(END_REASONS.viewerLeft);
      } catch {
        // Redis unreachable for a moment: the next check decides; a lasting outage fails the appends.
      }
    };
    const leaseTimer = setInterval(() => void checkViewer(), this.limits.leaseCheckMs);

    try {
      // The job may have waited in the queue after the viewer had already gone.
      await checkViewer();
      if (!follow.signal.aborted) {
        await this.containers.followLogs(
          containerId,
          { tail, maxLineChars: this.limits.maxLineChars },
          (stream, line) => batcher.add(stream, line),
          follow.signal,
        );
        if (reason === undefined) reason = await this.whyStreamEnded(containerId);
      }
    } catch (error) {
      reason ??= this.explain(error);
    } finally {
      clearTimeout(maxTimer);
      clearInterval(leaseTimer);
      jobSignal.removeEventListener('abort', onJobAbort);
    }
    await batcher.close();
    const finalReason = reason ?? END_REASONS.streamEnded;
    await this.sink.append({ type: 'end', reason: finalReason });
    return finalReason;
  }

  /** Docker ends a follow when the container stops (or restarts, or goes): say which. */
  private async whyStreamEnded(containerId: string): Promise<string> {
    try {
      const details = await this.containers.inspect(containerId);
      return details.state === 'running' ? END_REASONS.streamEnded : END_REASONS.stopped(details.exitCode);
    } catch (error) {
      return error instanceof ContainerNotFoundError ? END_REASONS.removed : this.explain(error);
    }
  }
}
