import { readFileSync } from 'node:fs';
import { freePort, testSshTarget } from '@zpanel/testing';
import { dockerOverSsh, releaseDocker } from '../docker/docker-over-ssh';
import { ConnectionLostError } from './ssh-connection';
import { type PooledTarget, SshPool, ServerUnreachableError } from './ssh-pool';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function target(id = 'test-server'): PooledTarget {
  const t = testSshTarget();
  return { id, host: t.host, port: t.port, username: t.username, privateKey: readFileSync(t.privateKeyPath) };
}

describe(SshPool.name, () => {
  const pools: SshPool[] = [];
  const newPool = (options?: ConstructorParameters<typeof SshPool>[0]) => {
    const pool = new SshPool(options);
    pools.push(pool);
    return pool;
  };
  afterEach(() => {
    for (const pool of pools.splice(0)) pool.close();
  });

  it('shares one connection between sequential and concurrent callers', async () => {
    const pool = newPool();
    const t = target();
    await pool.exec(t, ['true']);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.exec(t, ['echo', String(i)])));
    expect(results.map((r) => r.stdout.trim())).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(pool.stats()).toEqual({ connects: 1, open: 1, streams: 0 });
  });

  it('serves 20 parallel Docker API calls through the pooled connection', async () => {
    const pool = newPool();
    const docker = dockerOverSsh(pool.streams(target()));
    const calls = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? docker.ping() : docker.listContainers({ all: true }))));
    expect(calls).toHaveLength(20);
    expect(calls.filter((c) => !Array.isArray(c)).map(String)).toEqual(Array(10).fill('OK'));
    expect(pool.stats().connects).toBe(1);
  });

  it('never runs more commands at once on a server than its channel cap', async () => {
    const pool = newPool({ maxChannels: 3 });
    const t = target();
    const log = `/tmp/zp-pool-cap-${process.pid}-${Date.now()}`;
    await Promise.all(Array.from({ length: 9 }, () => pool.exec(t, ['sh', '-c', 'echo + >> "$1"; sleep 0.4; echo - >> "$1"', 'sh', log])));
    const marks = (await pool.exec(t, ['cat', log])).stdout.trim().split('\n');
    await pool.exec(t, ['rm', '-f', log]);
    let running = 0;
    let peak = 0;
    for (const mark of marks) {
      running += mark === '+' ? 1 : -1;
      peak = Math.max(peak, running);
    }
    expect(marks).toHaveLength(18);
    // The cap is the safety property; that some commands overlapped shows the pool does run them in parallel.
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThanOrEqual(2);
  });

  it('closes an idle connection and reconnects on the next call', async () => {
    const pool = newPool({ idleMs: 100 });
    const t = target();
    await pool.exec(t, ['true']);
    for (let i = 0; i < 50 && pool.stats().open > 0; i += 1) await sleep(50);
    expect(pool.stats().open).toBe(0);
    expect((await pool.exec(t, ['echo', 'again'])).stdout).toBe('again\n');
    expect(pool.stats().connects).toBe(2);
  });

  it('fails the interrupted call clearly when the server drops the connection, then reconnects', async () => {
    const pool = newPool();
    const t = target();
    // The shell's parent is the sshd process serving this connection on the (local) test server.
    const sshdPid = Number((await pool.exec(t, ['sh', '-c', 'echo $PPID'])).stdout.trim());
    expect(sshdPid).toBeGreaterThan(1);
    const interrupted = pool.exec(t, ['sh', '-c', 'echo started; sleep 20']);
    await sleep(300);
    process.kill(sshdPid, 'SIGKILL');
    await expect(interrupted).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(interrupted).rejects.toThrow(`the SSH connection to ${t.host} was lost`);
    expect((await pool.exec(t, ['echo', 'back'])).stdout).toBe('back\n');
    expect(pool.stats().connects).toBe(2);
  });

  it('keeps a held connection open past the idle time, and closes it once released', async () => {
    const pool = newPool({ idleMs: 100 });
    const t = target();
    await pool.exec(t, ['true']);
    const release = pool.hold(t);
    await sleep(500);
    expect(pool.stats().open).toBe(1);
    release();
    for (let i = 0; i < 50 && pool.stats().open > 0; i += 1) await sleep(50);
    expect(pool.stats()).toMatchObject({ connects: 1, open: 0 });
  });

  it('counts open Docker channels: a client leaves its keep-alive ones open until released', async () => {
    const pool = newPool();
    const docker = dockerOverSsh(pool.streams(target()));
    await docker.ping();
    await docker.listContainers();
    expect(pool.stats().streams).toBe(1);
    releaseDocker(docker);
    for (let i = 0; i < 50 && pool.stats().streams > 0; i += 1) await sleep(20);
    expect(pool.stats().streams).toBe(0);
    await docker.ping();
    expect(pool.stats().streams).toBe(1);
    releaseDocker(docker);
  });

  it('does not reuse a connection once the server’s settings change', async () => {
    const pool = newPool();
    const t = target();
    await pool.exec(t, ['true']);
    await expect(pool.exec({ ...t, port: await freePort() }, ['true'])).rejects.toThrow(/ECONNREFUSED/);
    expect(pool.stats()).toEqual({ connects: 1, open: 0, streams: 0 });
  });

  it('backs off from a server that refuses connections instead of hammering it', async () => {
    const pool = newPool({ backoffMs: 5_000 });
    const dead = { ...target('dead-server'), port: await freePort() };
    await expect(pool.exec(dead, ['true'])).rejects.toThrow(/ECONNREFUSED/);
    const second = pool.exec(dead, ['true']);
    await expect(second).rejects.toBeInstanceOf(ServerUnreachableError);
    await expect(second).rejects.toThrow(/next attempt in [1-5] s/);
    expect(pool.stats().connects).toBe(0);
  });
});
