import type { EngineCommand } from '@zpanel/core';
import { type DatabaseContainerConfig, DatabasePortTakenError, probeSucceeded, waitUntilReady } from './database-ops';
import { FakeDatabaseOps } from './fake-database-ops';

const probe: EngineCommand = { argv: ['redis-cli', 'ping'], env: { REDISCLI_AUTH: 'x' }, expectStdout: 'PONG' };
const timings = { timeoutMs: 1_000, intervalMs: 10, probeTimeoutMs: 100 };

function config(over: Partial<DatabaseContainerConfig> = {}): DatabaseContainerConfig {
  return {
    databaseId: 'db1',
    teamId: 't1',
    image: 'redis:7',
    spec: { env: {}, command: ['redis-server'], dataDirectory: '/data', internalPort: 6379 },
    publicPort: null,
    memoryLimitMb: null,
    cpuLimit: null,
    ...over,
  };
}

describe(waitUntilReady.name, () => {
  let ops: FakeDatabaseOps;

  beforeEach(async () => {
    ops = new FakeDatabaseOps();
    ops.images.add('redis:7');
    await ops.createContainer(config());
  });

  it('probes until the engine answers what is expected (an exit 0 with another answer is not ready)', async () => {
    let probes = 0;
    ops.onExec = () => ((probes += 1) < 3 ? { exitCode: 0, stdout: 'LOADING', stderr: '' } : { exitCode: 0, stdout: 'PONG\n', stderr: '' });
    expect(await waitUntilReady(ops, 'db1', probe, timings)).toEqual({ ready: true, afterMs: expect.any(Number) });
    expect(probes).toBe(3);
  });

  it('probes quickly for the first seconds, then at the steady interval (a slow first start is not probed ten times a second)', async () => {
    jest.useFakeTimers();
    try {
      const started = Date.now();
      const probedAt: number[] = [];
      ops.onExec = () => {
        probedAt.push(Date.now() - started);
        return Date.now() - started >= 2_500 ? { exitCode: 0, stdout: 'PONG\n', stderr: '' } : { exitCode: 1, stdout: '', stderr: 'LOADING' };
      };
      const ready = waitUntilReady(ops, 'db1', probe, {
        timeoutMs: 10_000,
        intervalMs: 1_000,
        quick: { intervalMs: 100, forMs: 500 },
        probeTimeoutMs: 100,
      });
      await jest.advanceTimersByTimeAsync(2_500);
      expect(await ready).toEqual({ ready: true, afterMs: 2_500 });
      expect(probedAt).toEqual([0, 100, 200, 300, 400, 500, 1_500, 2_500]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('gives up after the timeout with the last answer, and at once when the container stopped or is gone', async () => {
    ops.onExec = () => ({ exitCode: 1, stdout: '', stderr: 'Connection refused' });
    const started = Date.now();
    expect(await waitUntilReady(ops, 'db1', probe, { ...timings, timeoutMs: 100 })).toEqual({
      ready: false,
      why: 'timeout',
      exitCode: null,
      lastOutput: 'Connection refused',
    });
    expect(Date.now() - started).toBeLessThan(1_000);

    ops.containers.get('db1')!.running = false;
    ops.containers.get('db1')!.exitCode = 137;
    expect(await waitUntilReady(ops, 'db1', probe, timings)).toMatchObject({ ready: false, why: 'exited', exitCode: 137 });
    await ops.removeContainer('db1');
    expect(await waitUntilReady(ops, 'db1', probe, timings)).toMatchObject({ ready: false, why: 'missing' });
  });

  it('stops when its signal aborts, with the signal reason', async () => {
    ops.onExec = () => ({ exitCode: 1, stdout: '', stderr: '' });
    const abort = new AbortController();
    setTimeout(() => abort.abort('timeout'), 30);
    await expect(waitUntilReady(ops, 'db1', probe, timings, abort.signal)).rejects.toBeDefined();
    expect(abort.signal.aborted).toBe(true);
  });

  it('reads an exec as a success only with exit 0 and the expected stdout', () => {
    expect(probeSucceeded(probe, { exitCode: 0, stdout: ' PONG \n', stderr: '' })).toBe(true);
    expect(probeSucceeded(probe, { exitCode: 0, stdout: 'NOAUTH', stderr: '' })).toBe(false);
    expect(probeSucceeded({ argv: ['pg_isready'], env: {} }, { exitCode: 0, stdout: '', stderr: '' })).toBe(true);
    expect(probeSucceeded({ argv: ['pg_isready'], env: {} }, { exitCode: 2, stdout: '', stderr: '' })).toBe(false);
  });
});

describe(FakeDatabaseOps.name, () => {
  it('refuses a public port taken on the server, and a recreate that cannot start keeps the old container', async () => {
    const ops = new FakeDatabaseOps();
    ops.images.add('redis:7');
    ops.takenPorts.add(16379);
    await expect(ops.createContainer(config({ publicPort: 16379 }))).rejects.toThrow(DatabasePortTakenError);
    await expect(ops.createContainer(config({ publicPort: 16379 }))).rejects.toThrow('Port 16379 is already in use on the server');
    expect(ops.containers.size).toBe(0);

    await ops.createContainer(config());
    await expect(ops.recreateContainer(config({ publicPort: 16379 }))).rejects.toThrow(DatabasePortTakenError);
    expect(ops.containers.get('db1')?.config.publicPort).toBeNull();
  });
});
