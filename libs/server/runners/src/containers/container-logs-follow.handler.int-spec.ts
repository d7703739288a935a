import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ContainerLogLiveEvent, LiveTopics } from '@zpanel/contracts';
import { createLogger, loadConfig } from '@zpanel/core';
import { LiveLeases } from '@zpanel/queue';
import { dockerOverSsh, releaseDocker } from '@zpanel/remote';
import { type SeededTeam, seedServer, seedTeamWithServer } from '@zpanel/database/testing';
import { TEST_VARS, freePort, testServerAddress, testServerKey, testSshTarget, waitFor } from '@zpanel/testing';
import { END_REASONS } from './container-log-follower';
import { ContainerLogsFollowHandler } from './container-logs-follow.handler';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { useWorkerHarness } from '../worker-stores.testing';

const IMAGE = 'zpanel-test/busybox:latest';
const LOOP = 'i=0; while true; do echo out-$i; echo err-$i >&2; i=$((i+1)); sleep 0.1; done';

describe(ContainerLogsFollowHandler.name, () => {
  const { config, box, stores, pool } = useWorkerHarness('follow-test');
  const ssh = testSshTarget();
  const run = process.env[TEST_VARS.runId] ?? randomUUID().slice(0, 8);
  let leases: LiveLeases;
  let handler: ContainerLogsFollowHandler;
  let serverId: string;
  let team: SeededTeam;
  const testPool = new WorkerSshPool(loadConfig(process.env));
  const docker = dockerOverSsh(
    testPool.streams({ id: 'follow-int-spec', host: ssh.host, port: ssh.port, username: ssh.username, privateKey: readFileSync(ssh.privateKeyPath) }),
  );

  const addServer = (port: number) => seedServer(stores.dataSource, team, { ...testServerAddress(), port, status: 'ready' });

  const startLooping = async (suffix: string) => {
    const name = `zp-test-${run}-follow-${suffix}`;
    const container = await docker.createContainer({
      Image: IMAGE,
      name,
      Cmd: ['sh', '-c', LOOP],
      Tty: false,
      Labels: { 'zpanel.test.run': run },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    return { name, container };
  };

  /** Starts a follow as the API does: the lease first, then the job. */
  const follow = async (containerId: string, tail = 5, server = serverId) => {
    const followId = randomUUID();
    const release = await leases.hold(followId);
    const job = new AbortController();
    const done = handler.handle({ serverId: server, containerId, tail, followId }, { jobId: followId, attempt: 1, signal: job.signal });
    const events = async (): Promise<ContainerLogLiveEvent[]> =>
      (await stores.live.range(LiveTopics.containerLogs(followId), '0')).map((e) => e.event);
    const lines = async () => (await events()).flatMap((e) => (e.type === 'lines' ? e.lines : []));
    return { followId, release, job, done, events, lines };
  };

  beforeAll(async () => {
    leases = new LiveLeases(stores.redis, config);
    handler = new ContainerLogsFollowHandler(
      serverTargetsOver(stores.dataSource, box),
      pool,
      stores.live,
      leases,
      createLogger({ level: 'silent', name: 'test' }),
    );
    team = await seedTeamWithServer(stores.dataSource, {
      team: 'follow',
      privateKey: testServerKey(box),
      server: { ...testServerAddress(), status: 'ready' },
    });
    serverId = team.serverId;
  });
  afterAll(async () => {
    try {
      const ours = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`zpanel.test.run=${run}`] }) });
      await Promise.all(
        ours.filter((c) => c.Names.some((n) => n.includes('-follow-'))).map((c) => docker.getContainer(c.Id).remove({ force: true })),
      );
    } finally {
      releaseDocker(docker);
      testPool.close();
    }
  });

  it('sends the container’s lines to the follow’s live topic, stderr apart, and ends when the viewer’s lease goes', async () => {
    const { name } = await startLooping('lease');
    // Some history first, so the tail has something to leave out.
    await new Promise((r) => setTimeout(r, 1_500));
    const f = await follow(name, 3);
    const seen = await waitFor(
      async () => {
        const lines = await f.lines();
        return lines.some((l) => l.stream === 'stderr') && lines.length >= 10 ? lines : undefined;
      },
      15_000,
      'ten lines with stderr among them',
    );
    expect(seen.every((l) => (l.stream === 'stdout' ? /^out-\d+$/ : /^err-\d+$/).test(l.line))).toBe(true);
    // Only the last three lines of the history came first, not the whole of it from out-0.
    expect(Number(seen[0].line.split('-')[1])).toBeGreaterThan(5);
    expect(await leases.isHeld(f.followId)).toBe(true);

    await f.release();
    const ended = Date.now();
    expect(await f.done).toEqual({ reason: END_REASONS.viewerLeft });
    expect(Date.now() - ended).toBeLessThan(5_000);
    expect((await f.events()).at(-1)).toEqual({ type: 'end', reason: END_REASONS.viewerLeft });
    // The follow's Docker channels are closed, not left behind.
    await waitFor(async () => (pool.stats().streams === 0 ? true : undefined), 5_000, 'no Docker channel left open');
  });

  it('ends when the container stops, with its exit code', async () => {
    const { name, container } = await startLooping('stop');
    const f = await follow(name);
    await waitFor(async () => ((await f.lines()).length > 0 ? true : undefined), 15_000, 'a first line');
    await container.stop({ t: 0 });
    const { reason } = await f.done;
    expect(reason).toMatch(/^The container stopped \(exit code \d+\)$/);
    expect((await f.events()).at(-1)).toEqual({ type: 'end', reason });
    await f.release();
  });

  it('cuts a line longer than 16 KiB characters and marks it', async () => {
    const name = `zp-test-${run}-follow-long`;
    const container = await docker.createContainer({
      Image: IMAGE,
      name,
      Cmd: ['sh', '-c', "head -c 100000 /dev/zero | tr '\\0' x; echo; echo after"],
      Tty: false,
      Labels: { 'zpanel.test.run': run },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    await container.wait();
    const f = await follow(name, 10);
    expect((await f.done).reason).toBe('The container stopped (exit code 0)');
    expect((await f.lines()).map((l) => l.line)).toEqual([`${'x'.repeat(16 * 1024)} … [line cut: ${100_000 - 16 * 1024} more characters]`, 'after']);
    await f.release();
  });

  it('ends when the worker aborts the job', async () => {
    const { name } = await startLooping('abort');
    const f = await follow(name);
    await waitFor(async () => ((await f.lines()).length > 0 ? true : undefined), 15_000, 'a first line');
    f.job.abort();
    expect(await f.done).toEqual({ reason: END_REASONS.workerStopping });
    await f.release();
  });

  it('says plainly when there is no such container, or the server cannot be reached', async () => {
    const missing = `zp-test-${run}-follow-missing`;
    const f = await follow(missing);
    expect(await f.done).toEqual({ reason: `No container ${missing} on this server` });
    expect(await f.events()).toEqual([{ type: 'end', reason: `No container ${missing} on this server` }]);
    await f.release();

    const closedPort = await freePort();
    const unreachable = await follow('anything', 5, await addServer(closedPort));
    expect(await unreachable.done).toEqual({
      reason: `Could not reach ${ssh.host}:${closedPort} over SSH: check the address and port, and that the server accepts SSH connections from this instance.`,
    });
    await unreachable.release();

    const gone = await follow('anything', 5, randomUUID());
    expect(await gone.done).toEqual({ reason: 'The server no longer exists' });
    await gone.release();
  });
});
