import type { ContainerLogLine, ContainerLogLiveEvent } from '@zpanel/contracts';
import { FakeContainerOperations } from '@zpanel/remote/testing';
import { describeContainerFailure } from './container-failures';
import { ContainerLogFollower, END_REASONS, type LogFollowLimits, type LogFollowSink } from './container-log-follower';

const LIMITS: LogFollowLimits = { flushMs: 10, maxBatchLines: 3, maxPendingLines: 1_000, leaseCheckMs: 20, maxDurationMs: 60_000, maxLineChars: 20 };
const TARGET = { host: '203.0.113.10', port: 22, username: 'root' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class MemorySink implements LogFollowSink {
  readonly events: ContainerLogLiveEvent[] = [];
  present = true;
  /** While set, appends wait for it (a slow Redis). */
  gate?: Promise<void>;
  failAppends = 0;

  async append(event: ContainerLogLiveEvent): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failAppends > 0) {
      this.failAppends -= 1;
      throw new Error('redis down');
    }
    this.events.push(event);
  }

  async viewerPresent(): Promise<boolean> {
    return this.present;
  }

  get batches(): ContainerLogLine[][] {
    return this.events.flatMap((e) => (e.type === 'lines' ? [e.lines] : []));
  }

  get lines(): string[] {
    return this.batches.flat().map((l) => `${l.stream}:${l.line}`);
  }

  get end(): string | undefined {
    const last = this.events.at(-1);
    return last?.type === 'end' ? last.reason : undefined;
  }
}

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe(ContainerLogFollower.name, () => {
  let containers: FakeContainerOperations;
  let sink: MemorySink;
  const follower = (limits: Partial<LogFollowLimits> = {}, containerId = 'app') =>
    new ContainerLogFollower(containers, sink, (error) => describeContainerFailure(error, TARGET, containerId)?.message ?? 'unexpected', {
      ...LIMITS,
      ...limits,
    });
  const never = new AbortController().signal;

  beforeEach(() => {
    containers = new FakeContainerOperations([{ id: 'app' }]);
    sink = new MemorySink();
  });

  it('sends the last `tail` lines, then new ones with stdout and stderr apart, and ends when the container stops', async () => {
    for (const line of ['old-1', 'old-2', 'old-3']) containers.writeLog('app', 'stdout', line);
    const run = follower().run('app', 2, never);
    await until(() => sink.lines.length === 2);
    expect(sink.lines).toEqual(['stdout:old-2', 'stdout:old-3']);

    containers.writeLog('app', 'stdout', 'new-out');
    containers.writeLog('app', 'stderr', 'new-err');
    await until(() => sink.lines.length === 4);
    await containers.stop('app');

    expect(await run).toBe('The container stopped (exit code 0)');
    expect(sink.lines).toEqual(['stdout:old-2', 'stdout:old-3', 'stdout:new-out', 'stderr:new-err']);
    expect(sink.end).toBe('The container stopped (exit code 0)');
    expect(sink.events.filter((e) => e.type === 'end')).toHaveLength(1);
  });

  it('sends a burst in order, in batches of at most maxBatchLines, and a lone line within flushMs', async () => {
    const run = follower().run('app', 1, never);
    await until(() => containers.calls.includes('followLogs app'));
    for (let i = 0; i < 7; i += 1) containers.writeLog('app', 'stdout', `l${i}`);
    await until(() => sink.lines.length === 7);
    expect(sink.batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(sink.lines).toEqual(Array.from({ length: 7 }, (_, i) => `stdout:l${i}`));

    const before = Date.now();
    containers.writeLog('app', 'stdout', 'alone');
    await until(() => sink.lines.length === 8);
    expect(Date.now() - before).toBeLessThan(500);
    await containers.stop('app');
    await run;
  });

  it('ends when the viewer’s lease disappears', async () => {
    const run = follower().run('app', 10, never);
    await until(() => containers.calls.includes('followLogs app'));
    containers.writeLog('app', 'stdout', 'seen');
    await until(() => sink.lines.length === 1);
    sink.present = false;
    expect(await run).toBe(END_REASONS.viewerLeft);
    expect(sink.end).toBe(END_REASONS.viewerLeft);
    // The follow let go of the container: later lines go nowhere.
    containers.writeLog('app', 'stdout', 'unseen');
    await sleep(30);
    expect(sink.lines).toEqual(['stdout:seen']);
  });

  it('does not open the log when the viewer left while the job waited', async () => {
    sink.present = false;
    expect(await follower().run('app', 10, never)).toBe(END_REASONS.viewerLeft);
    expect(containers.calls).not.toContain('followLogs app');
    expect(sink.events).toEqual([{ type: 'end', reason: END_REASONS.viewerLeft }]);
  });

  it('ends after the maximum duration, saying so', async () => {
    const reason = await follower({ maxDurationMs: 60 }).run('app', 10, never);
    expect(reason).toBe(END_REASONS.maxDuration(60));
    expect(END_REASONS.maxDuration(3_600_000)).toBe('Stopped after 60 minutes, the longest one follow lasts: follow again to continue');
  });

  it('ends when the job is aborted (the worker shuts down), after sending what it had', async () => {
    const job = new AbortController();
    const run = follower({ flushMs: 1_000 }).run('app', 10, job.signal);
    await until(() => containers.calls.includes('followLogs app'));
    containers.writeLog('app', 'stderr', 'last words');
    job.abort();
    expect(await run).toBe(END_REASONS.workerStopping);
    expect(sink.lines).toEqual(['stderr:last words']);
    expect(sink.end).toBe(END_REASONS.workerStopping);
  });

  it('says plainly when there is no such container', async () => {
    expect(await follower({}, 'missing').run('missing', 10, never)).toBe('No container missing on this server');
    expect(sink.events).toEqual([{ type: 'end', reason: 'No container missing on this server' }]);
  });

  it('tells a removed container from a stopped one', async () => {
    const run = follower().run('app', 10, never);
    await until(() => containers.calls.includes('followLogs app'));
    await containers.remove('app', { force: true });
    expect(await run).toBe(END_REASONS.removed);
  });

  it('cuts long lines and marks them', async () => {
    containers.writeLog('app', 'stdout', 'x'.repeat(50));
    const run = follower().run('app', 10, never);
    await until(() => sink.lines.length === 1);
    expect(sink.lines[0]).toBe(`stdout:${'x'.repeat(20)} … [line cut: 30 more characters]`);
    await containers.stop('app');
    await run;
  });

  it('skips lines while writes lag behind, says how many, and keeps the rest in order', async () => {
    let open!: () => void;
    sink.gate = new Promise<void>((resolve) => (open = resolve));
    const run = follower({ maxPendingLines: 5, maxBatchLines: 2 }).run('app', 1, never);
    await until(() => containers.calls.includes('followLogs app'));
    for (let i = 0; i < 12; i += 1) containers.writeLog('app', 'stdout', `l${i}`);
    sink.gate = undefined;
    open();
    await until(() => sink.lines.length === 5);
    containers.writeLog('app', 'stdout', 'after');
    await until(() => sink.lines.includes('stdout:after'));
    expect(sink.lines).toEqual([
      'stdout:l0',
      'stdout:l1',
      'stdout:l2',
      'stdout:l3',
      'stdout:l4',
      'stdout:[zpanel] 7 lines skipped: the container wrote them faster than they could be sent',
      'stdout:after',
    ]);
    await containers.stop('app');
    await run;
  });

  it('ends when its lines cannot be written', async () => {
    sink.failAppends = 1;
    const run = follower().run('app', 10, never);
    await until(() => containers.calls.includes('followLogs app'));
    containers.writeLog('app', 'stdout', 'lost');
    expect(await run).toBe(END_REASONS.sinkFailed);
    expect(sink.events).toEqual([{ type: 'end', reason: END_REASONS.sinkFailed }]);
  });
});
