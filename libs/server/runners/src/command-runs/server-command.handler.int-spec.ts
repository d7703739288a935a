import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { COMMAND_OUTPUT_CAP_BYTES, COMMAND_OUTPUT_TRUNCATED_MARKER, type CommandRunLiveEvent, LiveTopics } from '@zpanel/contracts';
import { createLogger } from '@zpanel/core';
import { type CommandRunEntity, CommandRunsRepository, ServerEntity, commandOutputAad, teamScope } from '@zpanel/database';
import type { JobContext } from '@zpanel/queue';
import { seedCommandRun, seedTeamWithServer } from '@zpanel/database/testing';
import { freePort, testServerAddress, testServerKey, testSshTarget, waitFor } from '@zpanel/testing';
import { useWorkerHarness } from '../worker-stores.testing';
import { ServerCommandHandler } from './server-command.handler';
import { serverTargetsOver } from '../servers/server-targets.testing';

/** A sleep duration (about 40 s) unique to this call, so pgrep cannot find another run's leftover. */
function uniqueSleep(): string {
  return `40.${process.pid}${Math.floor(Math.random() * 100_000)}`;
}

/** Whether a process with `pattern` in its command line runs on the test server (this machine). */
function running(pattern: string): boolean {
  try {
    execFileSync('pgrep', ['-f', pattern], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe(ServerCommandHandler.name, () => {
  const { config, box, stores, pool } = useWorkerHarness('command-runs-test');
  const ssh = testSshTarget();
  let handler: ServerCommandHandler;
  let teamId: string;
  let serverId: string;

  const context = (signal: AbortSignal = new AbortController().signal): JobContext => ({ jobId: 'job', attempt: 1, signal });
  const runs = () => new CommandRunsRepository(stores.dataSource.manager);
  const addRun = (command: string, overrides: Partial<CommandRunEntity> = {}) =>
    seedCommandRun(stores.dataSource, { teamId, serverId }, { command, ...overrides });
  /** The run with its output opened, as the API shows it; the stored column is checked sealed on the way. */
  const reload = async (id: string) => {
    const row = await runs().get(teamScope(teamId), id);
    if (row.output === '') return row;
    expect(row.output).toMatch(/^v1\./);
    return { ...row, output: box.open(row.output, commandOutputAad(id)) };
  };
  const liveEvents = async (id: string) =>
    (await stores.live.range(LiveTopics.commandRun(id), '0', 100_000)).map((e) => e.event as CommandRunLiveEvent);
  const liveOutput = async (id: string) =>
    (await liveEvents(id))
      .filter((e): e is Extract<CommandRunLiveEvent, { type: 'output' }> => e.type === 'output')
      .map((e) => e.data)
      .join('');

  beforeAll(async () => {
    handler = new ServerCommandHandler(
      stores.dataSource,
      runs(),
      serverTargetsOver(stores.dataSource, box),
      pool,
      stores.live,
      createLogger({ level: 'silent', name: 'test' }),
      'test-worker',
      config,
      box,
    );
    ({ teamId, serverId } = await seedTeamWithServer(stores.dataSource, {
      team: 'commands',
      privateKey: testServerKey(box),
      server: { ...testServerAddress(), name: 'cmd', status: 'ready' },
    }));
  });
  afterEach(() => {
    handler.timings = { heartbeatMs: 10_000, cancelPollMs: 1_000, liveBatchMs: 100 };
  });

  it('streams stdout and stderr live, stores them with the exit code, and ends the topic with the outcome', async () => {
    const id = await addRun('echo hello; echo oops >&2; exit 3');
    expect(await handler.handle({ runId: id }, context())).toEqual({ ran: true, status: 'failed' });

    const run = await reload(id);
    expect(run).toMatchObject({ status: 'failed', exitCode: 3, error: 'Exited with code 3.', outputTruncated: false });
    expect(run.output.split('\n').sort()).toEqual(['', 'hello', 'oops']);
    expect(run.startedAt).toBeInstanceOf(Date);
    expect(run.finishedAt?.getTime()).toBeGreaterThanOrEqual(run.startedAt?.getTime() ?? Infinity);

    const events = await liveEvents(id);
    expect(events).toContainEqual({ type: 'output', stream: 'stdout', data: 'hello\n' });
    expect(events).toContainEqual({ type: 'output', stream: 'stderr', data: 'oops\n' });
    expect(events[events.length - 1]).toEqual({ type: 'finished', status: 'failed', exitCode: 3 });
  });

  it('succeeds on exit 0 and passes the command to sh as one argument, quotes and all', async () => {
    const id = await addRun(`printf '%s|' "a b" 'c;d' "$(echo e)"; echo`);
    expect(await handler.handle({ runId: id }, context())).toEqual({ ran: true, status: 'succeeded' });
    expect(await reload(id)).toMatchObject({ status: 'succeeded', exitCode: 0, error: null, output: 'a b|c;d|e|\n' });
  });

  it('sends output live while the command still runs, not only at the end', async () => {
    const id = await addRun('echo first; sleep 2; echo second');
    const done = handler.handle({ runId: id }, context());
    await waitFor(async () => ((await liveOutput(id)) === 'first\n' ? true : undefined), 1_800, 'the first line before the second');
    await done;
    expect(await liveOutput(id)).toBe('first\nsecond\n');
  });

  it('kills the command (and its children) at its timeout and says so', async () => {
    const duration = uniqueSleep();
    const id = await addRun(`sh -c 'sleep ${duration}'; echo never`, { timeoutSeconds: 1 });
    const started = Date.now();
    expect(await handler.handle({ runId: id }, context())).toEqual({ ran: true, status: 'failed' });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(await reload(id)).toMatchObject({
      status: 'failed',
      exitCode: null,
      error: 'Timed out after 1 s: the command and its children were killed.',
    });
    expect(running(`sleep ${duration}`)).toBe(false);
    expect((await liveEvents(id)).pop()).toEqual({ type: 'finished', status: 'failed', exitCode: null });
  });

  it('stops a running command when a cancel is requested on its row', async () => {
    handler.timings = { heartbeatMs: 10_000, cancelPollMs: 100, liveBatchMs: 50 };
    const duration = uniqueSleep();
    const id = await addRun(`echo started; sleep ${duration}`);
    const done = handler.handle({ runId: id }, context());
    await waitFor(async () => ((await liveOutput(id)) === 'started\n' ? true : undefined), 10_000, 'the command to start');
    expect(running(`sleep ${duration}`)).toBe(true);
    await stores.dataSource.query(`UPDATE "command_runs" SET "cancel_requested_at" = now() WHERE "id" = $1`, [id]);
    expect(await done).toEqual({ ran: true, status: 'cancelled' });
    expect(await reload(id)).toMatchObject({ status: 'cancelled', exitCode: null, output: 'started\n' });
    expect(running(`sleep ${duration}`)).toBe(false);
    expect((await liveEvents(id)).pop()).toEqual({ type: 'finished', status: 'cancelled', exitCode: null });
  });

  it('stores at most 1 MiB followed by the marker, and sends no more than that live', async () => {
    const id = await addRun(`head -c 2000000 /dev/zero | tr '\\0' a`);
    expect(await handler.handle({ runId: id }, context())).toEqual({ ran: true, status: 'succeeded' });
    const run = await reload(id);
    expect(run.outputTruncated).toBe(true);
    expect(run.output).toBe('a'.repeat(COMMAND_OUTPUT_CAP_BYTES) + COMMAND_OUTPUT_TRUNCATED_MARKER);
    expect(await liveOutput(id)).toBe(run.output);
  });

  it('beats while it runs, saving the output so far', async () => {
    handler.timings = { heartbeatMs: 200, cancelPollMs: 1_000, liveBatchMs: 100 };
    const id = await addRun('echo first; sleep 2; echo second');
    const done = handler.handle({ runId: id }, context());
    const first = await waitFor(
      async () => {
        const run = await reload(id);
        return run.status === 'running' && run.output === 'first\n' ? run : undefined;
      },
      1_800,
      'the output saved mid-run',
    );
    const beat = first.heartbeatAt?.getTime() ?? 0;
    await waitFor(async () => (((await reload(id)).heartbeatAt?.getTime() ?? 0) > beat ? true : undefined), 1_500, 'a later heartbeat');
    await done;
    expect((await reload(id)).output).toBe('first\nsecond\n');
  });

  it('runs a command once: a second job for the same run, or a run cancelled while queued, does nothing', async () => {
    const id = await addRun('echo once');
    const results = await Promise.all([handler.handle({ runId: id }, context()), handler.handle({ runId: id }, context())]);
    expect(results).toContainEqual({ ran: false });
    expect(results).toContainEqual({ ran: true, status: 'succeeded' });
    expect((await reload(id)).output).toBe('once\n');

    const cancelled = await addRun('echo never', { status: 'cancelled' });
    expect(await handler.handle({ runId: cancelled }, context())).toEqual({ ran: false });
    expect(await reload(cancelled)).toMatchObject({ status: 'cancelled', output: '' });
    expect(await handler.handle({ runId: randomUUID() }, context())).toEqual({ ran: false });
  });

  it('fails its run when the worker stops, instead of leaving it to be run again', async () => {
    const duration = uniqueSleep();
    const id = await addRun(`echo started; sleep ${duration}`);
    const stopping = new AbortController();
    const done = handler.handle({ runId: id }, context(stopping.signal));
    await waitFor(async () => ((await liveOutput(id)) === 'started\n' ? true : undefined), 10_000, 'the command to start');
    stopping.abort();
    expect(await done).toEqual({ ran: true, status: 'failed' });
    expect(await reload(id)).toMatchObject({ status: 'failed', error: 'The worker stopped while the command ran; it is not run again by itself.' });
    expect(running(`sleep ${duration}`)).toBe(false);
  });

  it('fails with the reason when the server cannot be reached', async () => {
    const port = await freePort();
    const { id: _sameServer, ...reachable } = await stores.dataSource.getRepository(ServerEntity).findOneByOrFail({ id: serverId });
    const other = await stores.dataSource.getRepository(ServerEntity).save({ ...reachable, name: 'closed', port });
    const id = await addRun('echo hi', { serverId: other.id });
    expect(await handler.handle({ runId: id }, context())).toEqual({ ran: true, status: 'failed' });
    expect(await reload(id)).toMatchObject({
      status: 'failed',
      exitCode: null,
      error: `Could not reach ${ssh.host}:${port} over SSH: check the address and port, and that the server accepts SSH connections from this instance.`,
    });
  });
});
