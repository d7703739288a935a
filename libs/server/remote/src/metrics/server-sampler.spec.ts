import type Docker from 'dockerode';
import type { ExecOptions, ExecResult, RemoteShell } from '../ssh/remote-shell';
import { containerStatsFrom } from './container-stats';
import { HOST_STATS_ARGV } from './host-stats';
import { RemoteServerSampler, SampleTimeoutError } from './server-sampler';

const HOST_OUTPUT = [
  '@cpu',
  'cpu 0 0 0 0',
  'cpu 50 0 0 50',
  '@meminfo',
  'MemTotal: 1000 kB',
  'MemAvailable: 250 kB',
  '@loadavg',
  '1.5 1 0.5 1/1 1',
  '@df',
  'x 100 40 60 40% /',
].join('\n');

const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: '', timedOut: false, cancelled: false, truncated: false });

class RecordingShell implements RemoteShell {
  readonly calls: { argv: readonly string[]; options?: ExecOptions }[] = [];
  constructor(private readonly answer: () => Promise<ExecResult>) {}
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    this.calls.push({ argv, options });
    return this.answer();
  }
}

const statsAnswer = (cpu: number, system: number) => ({
  cpu_stats: { cpu_usage: { total_usage: 1_000 + cpu }, system_cpu_usage: 10_000 + system },
  precpu_stats: { cpu_usage: { total_usage: 1_000 }, system_cpu_usage: 10_000 },
  memory_stats: { usage: 600, limit: 800, stats: { inactive_file: 100 } },
});

/** Just the two Docker calls the sampler makes. */
function fakeDocker(containers: { Id: string; Names: string[] }[], stats: (id: string) => Promise<unknown>, list?: () => Promise<unknown>) {
  let inFlight = 0;
  const docker = {
    maxInFlight: 0,
    listOptions: [] as unknown[],
    listContainers: (options: unknown) => {
      docker.listOptions.push(options);
      return list ? list() : Promise.resolve(containers);
    },
    getContainer: (id: string) => ({
      stats: async (options: { stream: boolean; abortSignal?: AbortSignal }) => {
        expect(options.stream).toBe(false);
        expect(options.abortSignal).toBeInstanceOf(AbortSignal);
        inFlight += 1;
        docker.maxInFlight = Math.max(docker.maxInFlight, inFlight);
        try {
          await new Promise((r) => setTimeout(r, 5));
          return await stats(id);
        } finally {
          inFlight -= 1;
        }
      },
    }),
  };
  return docker;
}

describe(RemoteServerSampler.name, () => {
  it('runs the one fixed command with a timeout and reads the host figures and each running container', async () => {
    const shell = new RecordingShell(async () => ok(HOST_OUTPUT));
    const docker = fakeDocker(
      [
        { Id: 'a1', Names: ['/web'] },
        { Id: 'b2', Names: ['/db'] },
      ],
      async (id) => statsAnswer(id === 'a1' ? 500 : 0, 1_000),
    );
    const sample = await new RemoteServerSampler(shell, docker as unknown as Docker, { commandTimeoutMs: 3_000 }).sample();

    expect(shell.calls).toHaveLength(1);
    expect(shell.calls[0].argv).toBe(HOST_STATS_ARGV);
    expect(shell.calls[0].options?.timeoutMs).toBe(3_000);
    expect(docker.listOptions).toEqual([expect.objectContaining({ all: false })]);
    expect(sample.host).toEqual({
      cpuPercent: 50,
      memoryUsedBytes: 750 * 1024,
      memoryTotalBytes: 1000 * 1024,
      diskUsedBytes: 40 * 1024,
      diskTotalBytes: 100 * 1024,
      load1: 1.5,
      load5: 1,
      load15: 0.5,
    });
    expect(sample.containers).toEqual([
      { id: 'a1', name: 'web', cpuPercent: 50, memoryBytes: 500, memoryLimitBytes: 800 },
      { id: 'b2', name: 'db', cpuPercent: 0, memoryBytes: 500, memoryLimitBytes: 800 },
    ]);
    expect(sample.dockerError).toBeNull();
  });

  it('samples at most maxContainers, a few at a time, and leaves out one whose stats fail', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ Id: `c${i}`, Names: [`/c${i}`] }));
    const docker = fakeDocker(many, async (id) => {
      if (id === 'c3') throw new Error('no such container');
      return statsAnswer(0, 1);
    });
    const sample = await new RemoteServerSampler(new RecordingShell(async () => ok(HOST_OUTPUT)), docker as unknown as Docker, {
      maxContainers: 30,
      statsConcurrency: 4,
    }).sample();
    expect(sample.containers).toHaveLength(29);
    expect(sample.containers.map((c) => c.id)).not.toContain('c3');
    expect(sample.containers.map((c) => c.id)).not.toContain('c30');
    expect(docker.maxInFlight).toBe(4);
  });

  it('keeps the host figures when the Docker Engine does not answer, and says why', async () => {
    const docker = fakeDocker(
      [],
      async () => ({}),
      () => Promise.reject(new Error('connect ENOENT /var/run/docker.sock')),
    );
    const sample = await new RemoteServerSampler(new RecordingShell(async () => ok(HOST_OUTPUT)), docker as unknown as Docker).sample();
    expect(sample.host.cpuPercent).toBe(50);
    expect(sample.containers).toEqual([]);
    expect(sample.dockerError).toContain('ENOENT');
  });

  it('gives up on the whole sample after totalTimeoutMs (a server whose SSH channels are all busy), and cancels the command', async () => {
    let execSignal: AbortSignal | undefined;
    const shell: RemoteShell = {
      exec: (_argv, options) => {
        execSignal = options?.signal;
        return new Promise(() => undefined);
      },
    };
    const started = Date.now();
    const sampler = new RemoteServerSampler(shell, fakeDocker([], async () => ({})) as unknown as Docker, { totalTimeoutMs: 150 });
    await expect(sampler.sample()).rejects.toBeInstanceOf(SampleTimeoutError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(execSignal?.aborted).toBe(true);
  });

  it('leaves out the containers Docker has not answered for by the containers deadline, and keeps the rest', async () => {
    const hanging = (signal?: AbortSignal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const docker = {
      listContainers: async () => [
        { Id: 'fast', Names: ['/fast'] },
        { Id: 'stuck', Names: ['/stuck'] },
      ],
      getContainer: (id: string) => ({
        stats: (options: { abortSignal?: AbortSignal }) => (id === 'fast' ? Promise.resolve(statsAnswer(0, 1)) : hanging(options.abortSignal)),
      }),
    };
    const started = Date.now();
    const sample = await new RemoteServerSampler(new RecordingShell(async () => ok(HOST_OUTPUT)), docker as unknown as Docker, {
      containersDeadlineMs: 200,
      dockerTimeoutMs: 5_000,
    }).sample();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sample.containers.map((c) => c.id)).toEqual(['fast']);
  });

  it('fails when the command times out or the connection fails, so the check records the server unreachable', async () => {
    const docker = fakeDocker([], async () => ({}));
    const slow = new RemoteServerSampler(
      new RecordingShell(async () => ({ ...ok(''), exitCode: null, timedOut: true })),
      docker as unknown as Docker,
      { commandTimeoutMs: 2_000 },
    );
    await expect(slow.sample()).rejects.toBeInstanceOf(SampleTimeoutError);
    const refused = new RemoteServerSampler(new RecordingShell(() => Promise.reject(new Error('connect ECONNREFUSED'))), docker as unknown as Docker);
    await expect(refused.sample()).rejects.toThrow('ECONNREFUSED');
  });
});

describe(containerStatsFrom.name, () => {
  it('divides the CPU delta by the system delta, so 100 % is the whole machine', () => {
    // docker stats would say 150 % on a two-core machine: 1.5 cores busy of 2.
    expect(containerStatsFrom('x', 'x', statsAnswer(1_500, 2_000), null).cpuPercent).toBe(75);
  });

  it('subtracts the inactive page cache (cgroup v2 and v1 names) from memory use', () => {
    expect(containerStatsFrom('x', 'x', { memory_stats: { usage: 1_000, stats: { inactive_file: 300 } } }, null).memoryBytes).toBe(700);
    expect(containerStatsFrom('x', 'x', { memory_stats: { usage: 1_000, stats: { total_inactive_file: 400 } } }, null).memoryBytes).toBe(600);
    expect(containerStatsFrom('x', 'x', { memory_stats: { usage: 1_000, stats: { inactive_file: 5_000 } } }, null).memoryBytes).toBe(1_000);
  });

  it('reads no limit when Docker reports the host’s memory (or more) as the limit', () => {
    expect(containerStatsFrom('x', 'x', { memory_stats: { usage: 1, limit: 8_000 } }, 8_000).memoryLimitBytes).toBeNull();
    expect(containerStatsFrom('x', 'x', { memory_stats: { usage: 1, limit: 9_223_372_036_854_771_712 } }, null).memoryLimitBytes).toBeNull();
    expect(containerStatsFrom('x', 'x', { memory_stats: { usage: 1, limit: 512 } }, 8_000).memoryLimitBytes).toBe(512);
  });

  it('gives 0 % CPU, not NaN, without a previous reading (a container that just started)', () => {
    const stats = containerStatsFrom('x', 'x', { cpu_stats: { cpu_usage: { total_usage: 10 }, system_cpu_usage: 100 }, precpu_stats: {} }, null);
    expect(stats).toEqual({ id: 'x', name: 'x', cpuPercent: 0, memoryBytes: 0, memoryLimitBytes: null });
  });
});
