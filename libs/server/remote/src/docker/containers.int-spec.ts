import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { injectionPayloads } from '@zpanel/core';
import { TEST_VARS, testSshTarget } from '@zpanel/testing';
import type Docker from 'dockerode';
import { type PooledTarget, SshPool } from '../ssh/ssh-pool';
import { ContainerParamError } from '@zpanel/core';
import { ContainerNotFoundError, DockerContainers } from './containers';
import { dockerOverSsh } from './docker-over-ssh';

const IMAGE = 'zpanel-test/busybox:latest';
const LOOP = 'i=0; while true; do echo out-$i; echo err-$i >&2; i=$((i+1)); sleep 0.2; done';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runId(): string {
  const id = process.env[TEST_VARS.runId];
  if (!id) throw new Error(`${TEST_VARS.runId} is not set: run through the integration project's global setup`);
  return id;
}

function target(): PooledTarget {
  const t = testSshTarget();
  return { id: 'containers-int-spec', host: t.host, port: t.port, username: t.username, privateKey: readFileSync(t.privateKeyPath) };
}

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
const index = (line: string) => Number(line.split('-')[1]);

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe(DockerContainers.name, () => {
  const run = runId();
  const runLabel = `zpanel.test.run=${run}`;
  const pool = new SshPool();
  const t = target();
  const docker = dockerOverSsh(pool.streams(t));
  const containers = new DockerContainers(docker);

  async function createLooping(suffix: string, labels: Record<string, string> = { 'zpanel.managed': 'true' }): Promise<{ id: string; name: string }> {
    const name = `zp-test-${run}-${suffix}`;
    const container = await docker.createContainer({
      Image: IMAGE,
      name,
      Cmd: ['sh', '-c', LOOP],
      Tty: false,
      Labels: { 'zpanel.test.run': run, ...labels },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    return { id: container.id, name };
  }

  let managed: { id: string; name: string };
  let unmanaged: { id: string; name: string };

  beforeAll(async () => {
    [managed, unmanaged] = await Promise.all([createLooping('managed'), createLooping('unmanaged', {})]);
    // Enough output for tail and since to have something to cut.
    await sleep(1_500);
  });

  afterAll(async () => {
    try {
      const ours = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [runLabel] }) });
      await Promise.all(ours.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    } finally {
      pool.close();
    }
  });

  describe('list', () => {
    it('lists running containers as small DTOs, and only Zpanel-managed ones when asked', async () => {
      const all = await containers.list({ all: true });
      const mine = all.find((c) => c.id === managed.id);
      expect(mine).toEqual({
        id: managed.id,
        names: [managed.name],
        image: IMAGE,
        state: 'running',
        status: expect.stringMatching(/^Up /),
        labels: expect.objectContaining({ 'zpanel.test.run': run, 'zpanel.managed': 'true' }),
        created: expect.any(Date),
      });
      expect(Math.abs(mine!.created.getTime() - Date.now())).toBeLessThan(60_000);
      expect(all.map((c) => c.id)).toContain(unmanaged.id);

      const managedOnly = await containers.list({ managedOnly: true });
      expect(managedOnly.map((c) => c.id)).toContain(managed.id);
      expect(managedOnly.map((c) => c.id)).not.toContain(unmanaged.id);
      expect(managedOnly.every((c) => c.labels['zpanel.managed'] === 'true')).toBe(true);
    });
  });

  describe('inspect', () => {
    it('describes a container by name or id', async () => {
      const byName = await containers.inspect(managed.name);
      expect(byName).toMatchObject({
        id: managed.id,
        names: [managed.name],
        image: IMAGE,
        state: 'running',
        exitCode: null,
        tty: false,
        restartCount: 0,
      });
      expect(byName.startedAt).toBeInstanceOf(Date);
      expect(byName.finishedAt).toBeNull();
      expect((await containers.inspect(managed.id.slice(0, 12))).id).toBe(managed.id);
    });

    it('reports an unknown container as ContainerNotFoundError', async () => {
      await expect(containers.inspect(`zp-test-${run}-missing`)).rejects.toBeInstanceOf(ContainerNotFoundError);
      await expect(containers.start(`zp-test-${run}-missing`)).rejects.toMatchObject({ status: 404, containerId: `zp-test-${run}-missing` });
    });
  });

  describe('logs', () => {
    it('returns the last `tail` lines with stdout and stderr apart and no header bytes', async () => {
      const { stdout, stderr } = await containers.logs(managed.id, { tail: 6 });
      expect(lines(stdout).length + lines(stderr).length).toBe(6);
      expect(lines(stdout).length).toBeGreaterThanOrEqual(2);
      expect(lines(stderr).length).toBeGreaterThanOrEqual(2);
      for (const line of lines(stdout)) expect(line).toMatch(/^out-\d+$/);
      for (const line of lines(stderr)) expect(line).toMatch(/^err-\d+$/);
      expect(stdout + stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
      expect(stdout.endsWith('\n')).toBe(true);
    });

    it('starts the read at `since`, given as unix seconds or ISO 8601', async () => {
      const since = Math.floor(Date.now() / 1000);
      await sleep(1_200);
      const everything = lines((await containers.logs(managed.id, { tail: 10_000 })).stdout);
      expect(index(everything[0])).toBe(0);
      for (const value of [since, String(since), new Date(since * 1000).toISOString()]) {
        const recent = lines((await containers.logs(managed.id, { tail: 10_000, since: value })).stdout);
        expect(recent.length).toBeGreaterThan(0);
        expect(recent.length).toBeLessThan(everything.length);
        expect(index(recent[0])).toBeGreaterThan(0);
      }
    });

    it('reads a TTY container, whose log is one raw stream, as stdout', async () => {
      const name = `zp-test-${run}-tty`;
      const container = await docker.createContainer({
        Image: IMAGE,
        name,
        Cmd: ['sh', '-c', 'echo tty-out; echo tty-err >&2; sleep 30'],
        Tty: true,
        Labels: { 'zpanel.test.run': run },
        HostConfig: { NetworkMode: 'none' },
      });
      await container.start();
      let result = { stdout: '', stderr: '' };
      for (let i = 0; i < 40 && !result.stdout.includes('tty-err'); i += 1) {
        result = await containers.logs(name, { tail: 10 });
        if (!result.stdout.includes('tty-err')) await sleep(50);
      }
      expect(result.stdout.replace(/\r/g, '')).toBe('tty-out\ntty-err\n');
      expect(result.stderr).toBe('');
      expect((await containers.inspect(name)).tty).toBe(true);
      await containers.remove(name, { force: true });
    });

    it('adds timestamps when asked', async () => {
      const { stdout } = await containers.logs(managed.id, { tail: 2, timestamps: true });
      for (const line of lines(stdout)) expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z (out|err)-\d+$/);
    });
  });

  describe('followLogs', () => {
    it('delivers new lines live, each whole and on its stream, and stops when aborted', async () => {
      const seen: Array<[string, string]> = [];
      const controller = new AbortController();
      const following = containers.followLogs(managed.id, { tail: 1 }, (stream, line) => seen.push([stream, line]), controller.signal);
      await waitFor(() => seen.filter(([s]) => s === 'stdout').length >= 4 && seen.filter(([s]) => s === 'stderr').length >= 3);
      controller.abort();
      await expect(following).resolves.toBeUndefined();

      const out = seen.filter(([s]) => s === 'stdout').map(([, l]) => l);
      const err = seen.filter(([s]) => s === 'stderr').map(([, l]) => l);
      for (const line of out) expect(line).toMatch(/^out-\d+$/);
      for (const line of err) expect(line).toMatch(/^err-\d+$/);
      // Consecutive numbers: nothing lost or split between chunks while following.
      const outIndexes = out.map(index);
      expect(outIndexes.slice(1)).toEqual(outIndexes.slice(1).map((_, i) => outIndexes[1] + i));

      const countAtAbort = seen.length;
      await sleep(600);
      expect(seen.length).toBe(countAtAbort);
    });
  });

  describe('lifecycle', () => {
    it('stops with a timeout (ending followers), starts, restarts and force-removes a container', async () => {
      const c = await createLooping('lifecycle');
      const controller = new AbortController();
      const following = containers.followLogs(c.id, {}, () => undefined, controller.signal);

      // PID 1 ignores SIGTERM here, so Docker kills it after the 1 s timeout.
      const stopStarted = Date.now();
      await containers.stop(c.name, { timeoutSeconds: 1 });
      expect(Date.now() - stopStarted).toBeGreaterThanOrEqual(900);
      expect(await containers.inspect(c.id)).toMatchObject({ state: 'exited', exitCode: 137 });
      // The log stream ended with the container, without an abort.
      await expect(following).resolves.toBeUndefined();
      expect(controller.signal.aborted).toBe(false);
      await containers.stop(c.id, { timeoutSeconds: 0 });

      await containers.start(c.id);
      const started = await containers.inspect(c.id);
      expect(started.state).toBe('running');
      await containers.start(c.id);

      await containers.restart(c.id, { timeoutSeconds: 0 });
      const restarted = await containers.inspect(c.id);
      expect(restarted.state).toBe('running');
      expect(restarted.startedAt!.getTime()).toBeGreaterThan(started.startedAt!.getTime());

      await containers.remove(c.id, { force: true });
      await expect(containers.inspect(c.id)).rejects.toBeInstanceOf(ContainerNotFoundError);
      await expect(containers.remove(c.id, { force: true })).rejects.toBeInstanceOf(ContainerNotFoundError);
    });
  });

  describe('injection', () => {
    it('refuses every payload as container id, tail, since and timeout before any Docker call, and nothing runs on the server', async () => {
      const canary = `zp-canary-${run}-${randomBytes(4).toString('hex')}`;
      const canaryPath = `/tmp/${canary}`;
      const payloads = [
        ...injectionPayloads(canaryPath),
        'x'.repeat(10 * 1024 * 1024),
        `web\u0000; touch ${canaryPath}`,
        Buffer.from([0x77, 0xff, 0xfe]).toString('latin1'),
      ];

      const dockerCalls: string[] = [];
      const counted = new Proxy(docker, {
        get(real, property, receiver) {
          const value: unknown = Reflect.get(real, property, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            dockerCalls.push(String(property));
            return (value as (...a: unknown[]) => unknown).apply(real, args);
          };
        },
      }) as Docker;
      const guarded = new DockerContainers(counted);
      const signal = new AbortController().signal;

      const attempts: Array<[string, (p: string) => Promise<unknown>]> = [
        ['containerId', (p) => guarded.inspect(p)],
        ['containerId', (p) => guarded.start(p)],
        ['containerId', (p) => guarded.stop(p)],
        ['containerId', (p) => guarded.restart(p)],
        ['containerId', (p) => guarded.remove(p, { force: true })],
        ['containerId', (p) => guarded.logs(p)],
        ['containerId', (p) => guarded.followLogs(p, {}, () => undefined, signal)],
        ['timeoutSeconds', (p) => guarded.stop(managed.id, { timeoutSeconds: p })],
        ['timeoutSeconds', (p) => guarded.restart(managed.id, { timeoutSeconds: p })],
        ['tail', (p) => guarded.logs(managed.id, { tail: p })],
        ['since', (p) => guarded.logs(managed.id, { since: p })],
        ['tail', (p) => guarded.followLogs(managed.id, { tail: p }, () => undefined, signal)],
        ['since', (p) => guarded.followLogs(managed.id, { since: p }, () => undefined, signal)],
      ];
      let refused = 0;
      for (const payload of payloads) {
        for (const [field, attempt] of attempts) {
          const error = await attempt(payload).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(ContainerParamError);
          expect((error as ContainerParamError).field).toBe(field);
          refused += 1;
        }
      }
      expect(refused).toBe(payloads.length * attempts.length);
      expect(dockerCalls).toEqual([]);

      // The check itself works (an existing path exits 0), and the canary was never created.
      expect((await pool.exec(t, ['test', '-e', '/tmp'])).exitCode).toBe(0);
      expect((await pool.exec(t, ['test', '-e', canaryPath])).exitCode).toBe(1);
      // The container the payloads aimed at is untouched.
      expect((await containers.inspect(managed.id)).state).toBe('running');
    });
  });
});
