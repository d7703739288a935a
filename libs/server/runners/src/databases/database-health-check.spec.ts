import { randomBytes, randomUUID } from 'node:crypto';
import type { DatabaseEngine, DatabaseStatus } from '@zpanel/contracts';
import { type AppConfig, SecretBox, createLogger, generateDatabasePassword, injectionPayloads, zpanelDockerNames } from '@zpanel/core';
import { type DatabaseHealthCandidate, type DatabasesRepository, databasePasswordAad, databaseRootPasswordAad } from '@zpanel/database';
import type { PooledTarget } from '@zpanel/remote';
import { FakeDatabaseOps } from '@zpanel/remote/testing';
import type { WorkerSshPool } from '../servers/ssh-pool.provider';
import type { HealthVerdict } from './database-health';
import type { EventNotifications } from '../notifications/event-notifications';
import { DatabaseHealthCheck } from './database-health-check';

const SERVER = randomUUID();
const TARGET = {} as PooledTarget;

describe(DatabaseHealthCheck.name, () => {
  const box = new SecretBox(randomBytes(32));
  const since = new Date('2026-12-07T10:00:00Z');
  let ops: FakeDatabaseOps;
  let candidates: DatabaseHealthCandidate[];
  let passwords: Map<string, string>;
  let writes: { id: string; from: DatabaseStatus; to: HealthVerdict; since: Date }[];
  /** What `reconcileStatus` answers: false when an operation got there first. */
  let writable: (id: string) => boolean;
  let check: DatabaseHealthCheck;

  const repository = {
    healthCheckCandidates: async (serverId: string) => {
      expect(serverId).toBe(SERVER);
      return { since, databases: candidates };
    },
    reconcileStatus: async (id: string, from: DatabaseStatus, to: HealthVerdict, at: Date) => {
      writes.push({ id, from, to, since: at });
      return writable(id);
    },
  };

  /** A database on the fake server: its row as a candidate, and a container unless `container` is false. */
  function addDatabase(status: DatabaseStatus, { engine = 'postgresql' as DatabaseEngine, container = true, userName = 'shop_app' } = {}): string {
    const id = randomUUID();
    const password = generateDatabasePassword();
    const rootPassword = generateDatabasePassword();
    passwords.set(id, password);
    passwords.set(`${id}:root`, rootPassword);
    const sql = engine !== 'redis';
    candidates.push({
      id,
      teamId: randomUUID(),
      name: `db-${id.slice(0, 6)}`,
      engine,
      status,
      statusReason: null,
      statusReasonCode: null,
      databaseName: sql ? 'shop' : null,
      userName: sql ? userName : null,
      sealedPassword: box.seal(password, databasePasswordAad(id)),
      sealedRootPassword: engine === 'mariadb' || engine === 'mysql' ? box.seal(rootPassword, databaseRootPasswordAad(id)) : null,
    });
    if (container) {
      ops.containers.set(id, {
        config: { databaseId: id, teamId: '', image: 'postgres:15', spec: {} as never, publicPort: null, memoryLimitMb: null, cpuLimit: null },
        running: status !== 'stopped',
        exitCode: status === 'stopped' ? 0 : null,
        starts: 1,
      });
    }
    return id;
  }

  /** The notifications the check asked for: [database, what, code]. */
  let told: [string, string, string | null][] = [];

  beforeEach(() => {
    told = [];
    ops = new FakeDatabaseOps();
    candidates = [];
    passwords = new Map();
    writes = [];
    writable = () => true;
    check = new DatabaseHealthCheck(
      repository as unknown as DatabasesRepository,
      {} as WorkerSshPool,
      box,
      { docker: { namespace: zpanelDockerNames('zt-unit').namespace } } as AppConfig,
      createLogger({ level: 'silent', name: 'test' }),
      {
        databaseUnhealthy: async (id: string, facts: { statusReasonCode: string | null }) => told.push([id, 'unhealthy', facts.statusReasonCode]),
        databaseRecovered: async (id: string) => told.push([id, 'recovered', null]),
      } as unknown as EventNotifications,
    );
    check.opsFor = () => ({ ops, release: () => undefined });
    check.timings = { probeTimeoutMs: 200, budgetMs: 1_000, concurrency: 2 };
  });

  it('lists the containers once, probes each running one once, and writes what changed, guarded by when it looked', async () => {
    const healthy = addDatabase('running');
    const gone = addDatabase('running', { container: false });
    const crashed = addDatabase('running');
    Object.assign(ops.containers.get(crashed) ?? {}, { running: false, exitCode: 137, oomKilled: true });
    const recovered = addDatabase('unhealthy');
    const userStopped = addDatabase('stopped');
    const startedByHand = addDatabase('stopped');
    Object.assign(ops.containers.get(startedByHand) ?? {}, { running: true, exitCode: null });

    const summary = await check.reconcile(SERVER, TARGET);

    expect(ops.calls.filter((c) => c.method === 'containerStates')).toHaveLength(1);
    expect(ops.execs.map((e) => e.databaseId).sort()).toEqual([healthy, recovered, startedByHand].sort());
    expect(ops.execs.every((e) => e.command.argv[0] === 'pg_isready')).toBe(true);
    expect(summary).toMatchObject({ checked: 6, probed: 3 });
    expect(writes.every((w) => w.since === since)).toBe(true);
    const written = Object.fromEntries(writes.map((w) => [w.id, [w.from, w.to.status, w.to.statusReasonCode]]));
    expect(written).toEqual({
      [gone]: ['running', 'unhealthy', 'database.container_missing'],
      [crashed]: ['running', 'unhealthy', 'database.container_oom_killed'],
      [recovered]: ['unhealthy', 'running', null],
      [startedByHand]: ['stopped', 'running', null],
    });
    expect(written[userStopped]).toBeUndefined();
    expect(summary.changed).toHaveLength(4);
    // Told per transition into or out of unhealthy; a database someone started by hand was not unhealthy.
    expect(told.sort()).toEqual(
      [
        [gone, 'unhealthy', 'database.container_missing'],
        [crashed, 'unhealthy', 'database.container_oom_killed'],
        [recovered, 'recovered', null],
      ].sort(),
    );
  });

  it('puts what the probe said in the reason, without the password', async () => {
    const id = addDatabase('running', { engine: 'redis' });
    const password = passwords.get(id) as string;
    ops.onExec = () => ({ exitCode: 0, stdout: `AUTH failed: WRONGPASS for ${password}`, stderr: '' });
    await check.reconcile(SERVER, TARGET);
    expect(ops.execs[0].command.env.REDISCLI_AUTH).toBe(password);
    const [write] = writes;
    expect(write.to).toMatchObject({ status: 'unhealthy', statusReasonCode: 'database.probe_failed' });
    expect(write.to.statusReason).toContain('redis does not answer its readiness probe: AUTH failed: WRONGPASS for ********');
    expect(write.to.statusReason).not.toContain(password);
  });

  it('lists the containers again after a failed probe, so a container killed while it was probed is called stopped, not unanswering', async () => {
    const killed = addDatabase('running');
    const slow = addDatabase('running');
    ops.onExec = (databaseId, command) => {
      if (databaseId !== killed) return { exitCode: 0, stdout: command.expectStdout ?? '', stderr: '' };
      Object.assign(ops.containers.get(killed) ?? {}, { running: false, exitCode: 137 });
      return { exitCode: 137, stdout: '', stderr: 'exec died: exit code 137' };
    };
    await check.reconcile(SERVER, TARGET);
    expect(ops.calls.filter((c) => c.method === 'containerStates')).toHaveLength(2);
    const written = Object.fromEntries(writes.map((w) => [w.id, [w.to.status, w.to.statusReasonCode, w.to.statusReason]]));
    expect(written).toEqual({ [killed]: ['unhealthy', 'database.container_exited', expect.stringContaining('exit code 137')] });
    expect(written[slow]).toBeUndefined();
  });

  it('keeps the first listing when the second cannot be had, and then reports the failed probe', async () => {
    const id = addDatabase('running');
    ops.onExec = () => {
      ops.fail('containerStates', new Error('connect ENOENT /var/run/docker.sock'));
      return { exitCode: 2, stdout: '', stderr: 'no response' };
    };
    await check.reconcile(SERVER, TARGET);
    expect(writes.map((w) => [w.id, w.to.statusReasonCode])).toEqual([[id, 'database.probe_failed']]);
  });

  it('probes each engine with its own client (MariaDB with its root password known, so it is redacted too)', async () => {
    const ids = {
      postgresql: addDatabase('unhealthy'),
      mariadb: addDatabase('unhealthy', { engine: 'mariadb' }),
      redis: addDatabase('unhealthy', { engine: 'redis' }),
    };
    const root = passwords.get(`${ids.mariadb}:root`) as string;
    ops.onExec = (id, command) =>
      id === ids.mariadb ? { exitCode: 1, stdout: '', stderr: `denied ${root}` } : { exitCode: 0, stdout: command.expectStdout ?? '', stderr: '' };
    await check.reconcile(SERVER, TARGET);
    expect(Object.fromEntries(ops.execs.map((e) => [e.databaseId, e.command.argv[0]]))).toEqual({
      [ids.postgresql]: 'pg_isready',
      [ids.mariadb]: 'mariadb-admin',
      [ids.redis]: 'redis-cli',
    });
    const mariadb = writes.find((w) => w.id === ids.mariadb);
    expect(mariadb?.to.statusReason).toContain('readiness probe: denied ********');
    expect(writes.filter((w) => w.to.status === 'running')).toHaveLength(2);
  });

  it('calls a probe that does not answer in its timeout a failure, and one left over when the budget is spent no news', async () => {
    check.timings = { probeTimeoutMs: 150, budgetMs: 520, concurrency: 1 };
    const ids = [addDatabase('running'), addDatabase('running'), addDatabase('running'), addDatabase('running'), addDatabase('running')];
    ops.onExec = () => new Promise(() => undefined);
    // The check's own clock (timeouts and budget) is faked: on a busy machine real timers fire late and
    // the count of probes that fit would depend on the load, not on the rule under test.
    jest.useFakeTimers();
    let summary: Awaited<ReturnType<typeof check.reconcile>>;
    try {
      const started = Date.now();
      const reconciled = check.reconcile(SERVER, TARGET);
      await jest.advanceTimersByTimeAsync(520);
      summary = await reconciled;
      // Ends when the budget is spent, however long the probes would have hung.
      expect(Date.now() - started).toBe(520);
    } finally {
      jest.useRealTimers();
    }
    // Three probes fit in the budget one at a time; the fourth is cut by it and the fifth never starts.
    expect(ops.execs).toHaveLength(4);
    expect(summary.probed).toBe(3);
    expect(new Set(writes.map((w) => w.id)).size).toBe(3);
    expect(ids).toEqual(expect.arrayContaining(writes.map((w) => w.id)));
    expect(writes[0].to).toMatchObject({
      status: 'unhealthy',
      statusReasonCode: 'database.probe_failed',
      statusReason: expect.stringContaining('pg_isready did not answer within 0.15 s'),
    });
  });

  it('probes in a new order at each check, so a budget too short for all of them still reaches each in turn', async () => {
    check.timings = { probeTimeoutMs: 1_000, budgetMs: 5_000, concurrency: 1 };
    for (let i = 0; i < 8; i += 1) addDatabase('running');
    const orders = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      ops.execs.length = 0;
      await check.reconcile(SERVER, TARGET);
      orders.add(ops.execs.map((e) => e.databaseId).join());
    }
    // 8! orders: five checks in one order by chance is about one in 10^18.
    expect(orders.size).toBeGreaterThan(1);
  });

  it('probes a few at a time', async () => {
    check.timings = { probeTimeoutMs: 1_000, budgetMs: 5_000, concurrency: 3 };
    for (let i = 0; i < 10; i += 1) addDatabase('unhealthy');
    let inFlight = 0;
    let most = 0;
    ops.onExec = async (_id, command) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight -= 1;
      return { exitCode: 0, stdout: command.expectStdout ?? '', stderr: '' };
    };
    const summary = await check.reconcile(SERVER, TARGET);
    expect(most).toBe(3);
    expect(ops.execs).toHaveLength(10);
    expect(summary.changed).toHaveLength(10);
  });

  it('changes nothing when the containers cannot be listed, or do not answer within the budget', async () => {
    addDatabase('running', { container: false });
    ops.fail('containerStates', new Error('connect ENOENT /var/run/docker.sock'));
    expect(await check.reconcile(SERVER, TARGET)).toMatchObject({ changed: [], error: 'connect ENOENT /var/run/docker.sock' });

    check.timings = { probeTimeoutMs: 100, budgetMs: 150, concurrency: 1 };
    ops.containerStates = () => new Promise(() => undefined);
    // On a fake clock, as in the budget test above: the listing that never answers is cut at the budget.
    jest.useFakeTimers();
    try {
      const started = Date.now();
      const reconciled = check.reconcile(SERVER, TARGET);
      await jest.advanceTimersByTimeAsync(150);
      expect(await reconciled).toMatchObject({ changed: [], error: 'the database health budget was spent' });
      expect(Date.now() - started).toBe(150);
    } finally {
      jest.useRealTimers();
    }
    expect(writes).toEqual([]);
  });

  it('reports no change when the guarded write found an operation or another status first', async () => {
    const id = addDatabase('running', { container: false });
    writable = () => false;
    expect((await check.reconcile(SERVER, TARGET)).changed).toEqual([]);
    expect(writes.map((w) => w.id)).toEqual([id]);
    // The write did not apply: another change won, and this check tells nothing.
    expect(told).toEqual([]);
  });

  it.each(['databaseName', 'userName', 'engine'] as const)('does not probe with any hostile stored %s, and changes nothing for it', async (field) => {
    const hostile = [...injectionPayloads('/tmp/zpanel-health-canary'), 'x'.repeat(10 * 1024 * 1024)];
    for (const value of hostile) {
      const id = addDatabase('unhealthy');
      Object.assign(candidates.find((c) => c.id === id) ?? {}, { [field]: value });
    }
    expect(await check.reconcile(SERVER, TARGET)).toMatchObject({ checked: hostile.length, probed: 0, changed: [] });
    expect(ops.execs).toEqual([]);
  });

  it('asks nothing of the server when it has no database to look at', async () => {
    expect(await check.reconcile(SERVER, TARGET)).toEqual({ checked: 0, probed: 0, changed: [] });
    expect(ops.calls).toEqual([]);
  });
});
