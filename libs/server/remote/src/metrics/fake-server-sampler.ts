import type { HostStats } from '@zpanel/contracts';
import type { ContainerStats } from './container-stats';
import type { ServerSample, ServerSampler } from './server-sampler';

/**
 * In-memory `ServerSampler` for unit tests: answers with the queued outcomes in order (an Error is
 * thrown, as an unreachable server's would be), then repeats the last one.
 */
export class FakeServerSampler implements ServerSampler {
  calls = 0;
  private readonly outcomes: (ServerSample | Error)[];

  constructor(...outcomes: (ServerSample | Error)[]) {
    this.outcomes = outcomes;
  }

  /** Queues what the next calls answer. */
  queue(...outcomes: (ServerSample | Error)[]): this {
    this.outcomes.push(...outcomes);
    return this;
  }

  async sample(): Promise<ServerSample> {
    this.calls += 1;
    const outcome = this.outcomes.length > 1 ? this.outcomes.shift() : this.outcomes[0];
    if (outcome === undefined) throw new Error('FakeServerSampler has no outcome queued');
    if (outcome instanceof Error) throw outcome;
    return structuredClone(outcome);
  }
}

/** A plausible healthy sample for tests, with any figure overridden. */
export function aServerSample(host: Partial<HostStats> = {}, containers: ContainerStats[] = []): ServerSample {
  return {
    host: {
      cpuPercent: 12.5,
      memoryUsedBytes: 2 * 1024 ** 3,
      memoryTotalBytes: 8 * 1024 ** 3,
      diskUsedBytes: 40 * 1024 ** 3,
      diskTotalBytes: 100 * 1024 ** 3,
      load1: 0.5,
      load5: 0.4,
      load15: 0.3,
      ...host,
    },
    containers,
    dockerError: null,
  };
}
