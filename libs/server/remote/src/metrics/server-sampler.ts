import type { HostStats } from '@zpanel/contracts';
import type Docker from 'dockerode';
import type { RemoteShell } from '../ssh/remote-shell';
import { type ContainerStats, type DockerStatsAnswer, containerStatsFrom } from './container-stats';
import { HOST_STATS_ARGV, parseHostStats } from './host-stats';

export interface ServerSample {
  host: HostStats;
  /** Running containers, at most `maxContainers`; empty when the Docker Engine did not answer. */
  containers: ContainerStats[];
  /** Why the containers are missing, when they are (the host figures are still good). */
  dockerError: string | null;
}

/** The server did not answer the fixed command in time: for a check, the same as not reachable. */
export class SampleTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the server did not answer within ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'SampleTimeoutError';
  }
}

/** One server's figures; `RemoteServerSampler` is the real one, `FakeServerSampler` the unit-test one. */
export interface ServerSampler {
  /** Rejects when the server cannot be reached (connecting failed, or the command did not answer in time). */
  sample(): Promise<ServerSample>;
}

export interface SamplerOptions {
  /** For the host command, which itself waits half a second. */
  commandTimeoutMs?: number;
  /** Per Docker API call (listing, and each container's stats, which Docker takes about a second to answer). */
  dockerTimeoutMs?: number;
  /** Containers sampled at most (Docker lists the newest first). */
  maxContainers?: number;
  /** Stats requests in flight at once, so a server with many containers is not flooded. */
  statsConcurrency?: number;
  /** For all the containers together: containers not sampled by then are left out of this sample. */
  containersDeadlineMs?: number;
  /**
   * For the whole sample, waiting for a free SSH channel included (long commands may hold them all):
   * a server that cannot answer a check in this time is, for the check, not reachable.
   */
  totalTimeoutMs?: number;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);

/**
 * Samples a server through its (pooled) SSH shell and Docker API: the host figures from one fixed
 * command, and per-container CPU and memory from Docker's stats of the running containers, both
 * at once. Every call has a timeout, so one slow server holds a check for seconds, never longer.
 */
export class RemoteServerSampler implements ServerSampler {
  private readonly options: Required<SamplerOptions>;

  constructor(
    private readonly shell: RemoteShell,
    private readonly docker: Docker,
    options: SamplerOptions = {},
  ) {
    this.options = {
      commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
      dockerTimeoutMs: options.dockerTimeoutMs ?? 5_000,
      maxContainers: options.maxContainers ?? 30,
      statsConcurrency: options.statsConcurrency ?? 4,
      containersDeadlineMs: options.containersDeadlineMs ?? 10_000,
      totalTimeoutMs: options.totalTimeoutMs ?? 20_000,
    };
  }

  async sample(): Promise<ServerSample> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new SampleTimeoutError(this.options.totalTimeoutMs));
      }, this.options.totalTimeoutMs);
    });
    try {
      return await Promise.race([this.take(abort.signal), deadline]);
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  }

  private async take(signal: AbortSignal): Promise<ServerSample> {
    // Started first and never left rejected: when the host command fails, so does this, unobserved.
    const containers = this.containerAnswers(signal).then(
      (answers) => ({ answers, error: null }),
      (error: unknown) => ({ answers: [], error: messageOf(error) }),
    );
    const result = await this.shell.exec(HOST_STATS_ARGV, { timeoutMs: this.options.commandTimeoutMs, maxBufferBytes: 64 * 1024, signal });
    if (result.timedOut || result.cancelled)
      throw new SampleTimeoutError(result.timedOut ? this.options.commandTimeoutMs : this.options.totalTimeoutMs);
    const host = parseHostStats(result.stdout);
    const { answers, error } = await containers;
    return {
      host,
      containers: answers.map(({ id, name, answer }) => containerStatsFrom(id, name, answer, host.memoryTotalBytes)),
      dockerError: error,
    };
  }

  private async containerAnswers(sampleSignal: AbortSignal): Promise<{ id: string; name: string; answer: DockerStatsAnswer }[]> {
    const overall = AbortSignal.any([sampleSignal, AbortSignal.timeout(this.options.containersDeadlineMs)]);
    const callSignal = () => AbortSignal.any([overall, AbortSignal.timeout(this.options.dockerTimeoutMs)]);
    const running = await this.docker.listContainers({ all: false, abortSignal: callSignal() });
    const answers = await mapLimited(running.slice(0, this.options.maxContainers), this.options.statsConcurrency, async (info) => {
      if (overall.aborted) return undefined;
      try {
        // stream=false: Docker waits for a second reading itself, so precpu_stats is filled in.
        const options = { stream: false, abortSignal: callSignal() } as { stream: false };
        const answer = (await this.docker.getContainer(info.Id).stats(options)) as DockerStatsAnswer;
        return { id: info.Id, name: (info.Names?.[0] ?? info.Id).replace(/^\//, ''), answer };
      } catch {
        // Stopped between listing and stats, or slow: left out of this sample only.
        return undefined;
      }
    });
    return answers.filter((a): a is { id: string; name: string; answer: DockerStatsAnswer } => a !== undefined);
  }
}
