import { randomBytes, randomUUID } from 'node:crypto';
import type { DatabaseStatus, ReasonCode } from '@zpanel/contracts';
import { ReasonError, SecretBox, generateDatabasePassword, injectionPayloads, zpanelDockerNames } from '@zpanel/core';
import { databasePasswordAad, databaseRootPasswordAad } from '@zpanel/database';
import { FakeDatabaseOps } from '@zpanel/remote/testing';
import { DatabaseOperationRunner, type DatabaseRowWriter, type DatabaseStepTimings, type OperationDatabase } from './database-operation-runner';
import { OperationLog } from './operation-log';

const TIMINGS: DatabaseStepTimings = {
  createReadiness: { timeoutMs: 200, intervalMs: 10, probeTimeoutMs: 50 },
  readiness: { timeoutMs: 100, intervalMs: 10, probeTimeoutMs: 50 },
  stopGraceSeconds: 1,
  execTimeoutMs: 1_000,
};

/** The database's row as the runner leaves it. */
interface Row {
  status: DatabaseStatus;
  reason: string | null;
  code: ReasonCode | null;
  password?: string;
  rootPassword?: string;
  image?: string;
  removed: boolean;
  /** How many times the referencing applications were marked for redeploy. */
  redeployMarks: number;
}

const database = (over: Partial<OperationDatabase> = {}): OperationDatabase => ({
  id: randomUUID(),
  teamId: randomUUID(),
  engine: 'postgresql',
  image: 'postgres:15',
  databaseName: 'shop',
  userName: 'shop_app',
  publicPort: null,
  memoryLimitMb: 256,
  cpuLimit: '0.50',
  status: 'creating',
  password: generateDatabasePassword(),
  rootPassword: null,
  ...over,
});

describe(DatabaseOperationRunner.name, () => {
  const box = new SecretBox(randomBytes(32));
  const names = zpanelDockerNames('zt-unit');
  let ops: FakeDatabaseOps;
  let row: Row;
  let log: OperationLog;
  let abort: AbortController;
  let linkedApplications: string[];

  const rows = (): DatabaseRowWriter => ({
    setStatus: async (status, why) => void Object.assign(row, { status, reason: why?.reason ?? null, code: why?.code ?? null }),
    setPassword: async (sealed) => void (row.password = sealed),
    setRootPassword: async (sealed) => void (row.rootPassword = sealed),
    setImage: async (image) => void (row.image = image),
    remove: async () => void (row.removed = true),
    markRotatedForRedeploy: async () => {
      row.redeployMarks += 1;
      return linkedApplications;
    },
  });

  const runner = () => new DatabaseOperationRunner(ops, rows(), box, names, log, TIMINGS, abort.signal);
  const run = (kind: Parameters<DatabaseOperationRunner['run']>[0], db: OperationDatabase, deleteData = false) =>
    runner().run(kind, db, { deleteData });

  beforeEach(() => {
    ops = new FakeDatabaseOps();
    ops.images.add('postgres:15');
    ops.images.add('mariadb:10.11');
    ops.images.add('redis:7');
    row = { status: 'creating', reason: null, code: null, removed: false, redeployMarks: 0 };
    linkedApplications = [];
    abort = new AbortController();
  });

  /** The log as a worker would store it: every known password must be absent. */
  const newLog = (db: OperationDatabase) => {
    log = new OperationLog([db.password]);
    return log;
  };

  describe('create', () => {
    it('creates the volume and the container from the builders (limits, no public port), waits for readiness, and is running', async () => {
      const db = database();
      newLog(db);
      expect(await run('create', db)).toEqual({ status: 'success', reason: null, reasonCode: null, databaseStatus: 'running' });
      expect(row.status).toBe('running');
      expect(ops.volumes.get(db.id)).toEqual({ teamId: db.teamId });
      const container = ops.containers.get(db.id);
      expect(container?.config).toMatchObject({ image: 'postgres:15', publicPort: null, memoryLimitMb: 256, cpuLimit: 0.5, teamId: db.teamId });
      expect(container?.config.spec).toEqual({
        env: { POSTGRES_USER: 'shop_app', POSTGRES_PASSWORD: db.password, POSTGRES_DB: 'shop' },
        command: [],
        dataDirectory: '/var/lib/postgresql/data',
        internalPort: 5432,
      });
      expect(ops.execs.map((e) => e.command.argv[0])).toEqual(['pg_isready']);
      expect(log.text).toContain(`Created the data volume ${names.databaseVolume(db.id)}.`);
      expect(log.text).not.toContain(db.password);
    });

    it('generates, seals and keeps a MySQL / MariaDB root password before the container gets it', async () => {
      const db = database({ engine: 'mariadb', image: 'mariadb:10.11' });
      newLog(db);
      expect((await run('create', db)).status).toBe('success');
      const root = box.open(row.rootPassword as string, databaseRootPasswordAad(db.id));
      expect(root).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(ops.containers.get(db.id)?.config.spec.env).toMatchObject({ MARIADB_ROOT_PASSWORD: root, MARIADB_PASSWORD: db.password });
    });

    it('fails on a public port taken on the server, naming it, and removes the container and the volume it made', async () => {
      ops.takenPorts.add(15432);
      const db = database({ publicPort: 15432 });
      newLog(db);
      const outcome = await run('create', db);
      expect(outcome).toMatchObject({ status: 'failed', reasonCode: 'database.port_taken', databaseStatus: 'failed' });
      expect(outcome.reason).toContain('Port 15432 is already in use on the server');
      expect(row).toMatchObject({ status: 'failed', code: 'database.port_taken' });
      expect(ops.containers.has(db.id)).toBe(false);
      expect(ops.volumes.has(db.id)).toBe(false);
    });

    it('fails when the engine never answers, with the engine log in the operation log, and keeps a volume it did not make', async () => {
      const db = database();
      newLog(db);
      ops.volumes.set(db.id, { teamId: db.teamId });
      ops.onExec = () => ({ exitCode: 2, stdout: '', stderr: `no response (password ${db.password})` });
      const outcome = await run('create', db);
      expect(outcome).toMatchObject({ status: 'failed', reasonCode: 'database.not_ready', databaseStatus: 'failed' });
      expect(outcome.reason).toMatch(/did not accept connections in time/);
      expect(ops.containers.has(db.id)).toBe(false);
      expect(ops.volumes.has(db.id)).toBe(true);
      expect(log.text).toContain('engine log line');
      expect(log.text).not.toContain(db.password);
    });

    it('fails with the pull refusal when the image cannot be had, leaving nothing behind', async () => {
      const db = database({ image: 'postgres:15.99' });
      newLog(db);
      ops.unpullable.set('postgres:15.99', 'manifest for postgres:15.99 not found');
      const outcome = await run('create', db);
      expect(outcome).toMatchObject({ status: 'failed', reasonCode: 'database.image_pull_failed' });
      expect(outcome.reason).toContain('manifest for postgres:15.99 not found');
      expect(ops.containers.size + ops.volumes.size).toBe(0);
    });
  });

  describe('start, stop, restart', () => {
    it('stops, starts and restarts the container, running once the engine answers', async () => {
      const db = database({ status: 'running' });
      newLog(db);
      await run('create', db);
      expect(await run('stop', db)).toMatchObject({ status: 'success', databaseStatus: 'stopped' });
      expect(ops.containers.get(db.id)?.running).toBe(false);
      expect(await run('start', db)).toMatchObject({ status: 'success', databaseStatus: 'running' });
      expect(await run('restart', db)).toMatchObject({ status: 'success', databaseStatus: 'running' });
      expect(ops.containers.get(db.id)?.starts).toBe(3);
    });

    it('is unhealthy, with why, when the engine does not answer after a restart; a missing container is created again on the volume', async () => {
      const db = database({ status: 'running' });
      newLog(db);
      await run('create', db);
      ops.onExec = () => ({ exitCode: 2, stdout: '', stderr: 'no response' });
      expect(await run('restart', db)).toMatchObject({ status: 'failed', reasonCode: 'database.not_ready', databaseStatus: 'unhealthy' });
      expect(row).toMatchObject({ status: 'unhealthy', code: 'database.not_ready' });

      ops.onExec = (_id, command) => ({ exitCode: 0, stdout: command.expectStdout ?? '', stderr: '' });
      await ops.removeContainer(db.id);
      expect(await run('start', db)).toMatchObject({ status: 'success', databaseStatus: 'running' });
      expect(log.text).toContain('The container is missing; creating it again on the data volume.');
    });
  });

  describe('apply', () => {
    it('recreates on the same volume with the new limits and a tag of the same major version', async () => {
      const db = database({ status: 'running' });
      newLog(db);
      await run('create', db);
      ops.images.add('postgres:15.4');
      const changed = { ...db, image: 'postgres:15.4', memoryLimitMb: 512, publicPort: 15433 };
      expect(await run('apply', changed)).toMatchObject({ status: 'success', databaseStatus: 'running' });
      expect(ops.containers.get(db.id)?.config).toMatchObject({ image: 'postgres:15.4', memoryLimitMb: 512, publicPort: 15433 });
      expect(ops.calls.filter((c) => c.method === 'removeVolume')).toEqual([]);
    });

    it('refuses a PostgreSQL major upgrade with the reason, puts the row back to the running image and changes nothing', async () => {
      const db = database({ status: 'running' });
      newLog(db);
      await run('create', db);
      const outcome = await run('apply', { ...db, image: 'postgres:16' });
      expect(outcome).toMatchObject({ status: 'failed', reasonCode: 'database.tag_refused' });
      expect(outcome.databaseStatus).toBeUndefined();
      expect(outcome.reason).toMatch(/PostgreSQL 15 data cannot be opened by PostgreSQL 16/);
      expect(row.image).toBe('postgres:15');
      expect(ops.containers.get(db.id)?.config.image).toBe('postgres:15');
      expect(ops.calls.filter((c) => c.method === 'recreateContainer')).toEqual([]);
    });

    it('keeps the old container when the new public port is taken', async () => {
      const db = database({ status: 'running' });
      newLog(db);
      await run('create', db);
      ops.takenPorts.add(3306);
      const outcome = await run('apply', { ...db, publicPort: 3306 });
      expect(outcome).toMatchObject({ status: 'failed', reasonCode: 'database.port_taken' });
      expect(outcome.reason).toContain('Port 3306');
      expect(ops.containers.get(db.id)).toMatchObject({ running: true, config: { publicPort: null } });
    });
  });

  describe('rotate-password', () => {
    it('sets the new password in the engine through stdin (old one in the environment), then seals it on the row', async () => {
      const db = database({ status: 'running' });
      newLog(db);
      await run('create', db);
      expect(await run('rotate-password', db)).toMatchObject({ status: 'success' });
      const rotated = box.open(row.password as string, databasePasswordAad(db.id));
      expect(rotated).not.toBe(db.password);
      const rotation = ops.execs.find((e) => e.command.argv[0] === 'psql')?.command;
      expect(rotation?.env).toEqual({ PGPASSWORD: db.password });
      expect(rotation?.stdin).toBe(`ALTER ROLE "shop_app" WITH PASSWORD '${rotated}';\n`);
      expect(rotation?.argv.join(' ')).not.toContain(rotated);
      expect(log.text).not.toContain(rotated);
      expect(log.text).not.toContain(db.password);
    });

    it('marks the applications referencing the database for redeploy once the new password is stored, and says which', async () => {
      const db = database({ status: 'running' });
      newLog(db);
      await run('create', db);
      linkedApplications = ['shop-web', 'shop-worker'];
      expect(await run('rotate-password', db)).toMatchObject({ status: 'success' });
      expect(row.redeployMarks).toBe(1);
      expect(log.text).toContain('Marked for redeploy (they run with the old password until then): shop-web, shop-worker.');

      linkedApplications = [];
      expect(await run('rotate-password', db)).toMatchObject({ status: 'success' });
      expect(row.redeployMarks).toBe(2);
      expect(log.text).toContain('No application references this database.');
    });

    it('recreates Redis with the new requirepass, since a CONFIG SET does not outlive the container', async () => {
      const db = database({ engine: 'redis', image: 'redis:7', databaseName: null, userName: null, status: 'running' });
      newLog(db);
      await run('create', db);
      expect(await run('rotate-password', db)).toMatchObject({ status: 'success', databaseStatus: 'running' });
      const rotated = box.open(row.password as string, databasePasswordAad(db.id));
      expect(ops.containers.get(db.id)?.config.spec.command).toEqual(['redis-server', '--requirepass', rotated, '--appendonly', 'yes']);
      expect(ops.execs.at(-1)?.command.env).toEqual({ REDISCLI_AUTH: rotated });
    });

    it('keeps the old password when the engine refuses, or when the database is not running', async () => {
      const db = database({ status: 'running' });
      newLog(db);
      await run('create', db);
      ops.onExec = (_id, command) => ({ exitCode: command.argv[0] === 'psql' ? 2 : 0, stdout: '', stderr: 'psql: error: FATAL' });
      expect(await run('rotate-password', db)).toMatchObject({ status: 'failed', reasonCode: 'database.rotation_failed' });
      expect(row.password).toBeUndefined();
      await ops.stopContainer(db.id);
      expect(await run('rotate-password', db)).toMatchObject({ status: 'failed', reasonCode: 'database.rotation_failed' });
      expect(row.password).toBeUndefined();
      expect(row.redeployMarks).toBe(0);
    });
  });

  describe('delete', () => {
    it('removes the container and the row, and keeps the volume unless asked to delete the data', async () => {
      const kept = database({ status: 'running' });
      newLog(kept);
      await run('create', kept);
      expect(await run('delete', kept)).toEqual({ status: 'success', reason: null, reasonCode: null, databaseStatus: null });
      expect(ops.containers.has(kept.id)).toBe(false);
      expect(ops.volumes.has(kept.id)).toBe(true);
      expect(row.removed).toBe(true);
      expect(log.text).toContain(`Kept the data volume ${names.databaseVolume(kept.id)}`);

      const gone = database({ status: 'running' });
      await run('create', gone);
      expect(await run('delete', gone, true)).toMatchObject({ status: 'success', databaseStatus: null });
      expect(ops.volumes.has(gone.id)).toBe(false);
    });

    it('fails with Docker’s words (the row stays, failed) when the server refuses', async () => {
      const db = database({ status: 'running' });
      newLog(db);
      await run('create', db);
      row.removed = false;
      ops.fail('removeContainer', Object.assign(new Error('(HTTP code 500) server error'), { statusCode: 500, json: { message: 'driver failed' } }));
      const outcome = await run('delete', db);
      expect(outcome).toMatchObject({ status: 'failed', reasonCode: 'database.step_failed', databaseStatus: 'failed' });
      expect(outcome.reason).toContain('driver failed');
      expect(row).toMatchObject({ status: 'failed', removed: false });
      expect(row.reason).toMatch(/Delete it again/);
    });
  });

  it('rethrows what it has no words for (the handler shows a generic reason), after removing what a create started', async () => {
    const db = database();
    newLog(db);
    ops.fail('createContainer', new Error('socket hang up'));
    await expect(run('create', db)).rejects.toThrow('socket hang up');
    expect(ops.volumes.has(db.id)).toBe(false);
  });
});

describe('DatabaseOperationRunner with hostile stored values', () => {
  const box = new SecretBox(randomBytes(32));
  const names = zpanelDockerNames('zt-unit');
  const canary = '/tmp/zp-canary-database-runner';
  const hostile = [...injectionPayloads(canary), 'x'.repeat(10 * 1024 * 1024)];

  async function create(over: Partial<OperationDatabase>) {
    const ops = new FakeDatabaseOps();
    ops.images.add('postgres:15');
    const row: { status?: DatabaseStatus; code?: ReasonCode | null } = {};
    const rows: DatabaseRowWriter = {
      setStatus: async (status, why) => void Object.assign(row, { status, code: why?.code ?? null }),
      setPassword: async () => undefined,
      setRootPassword: async () => undefined,
      setImage: async () => undefined,
      remove: async () => undefined,
      markRotatedForRedeploy: async () => [],
    };
    const db = database({ memoryLimitMb: null, cpuLimit: null, ...over });
    const runner = new DatabaseOperationRunner(ops, rows, box, names, new OperationLog(), TIMINGS, new AbortController().signal);
    await expect(runner.run('create', db, { deleteData: false })).rejects.toThrow(ReasonError);
    return { ops, row };
  }

  it.each(['image', 'databaseName', 'userName', 'password'] as const)(
    'refuses every hostile %s before anything reaches the server',
    async (field) => {
      for (const value of hostile) {
        const { ops } = await create({ [field]: value });
        expect(ops.calls.filter((c) => c.method !== 'imageExists')).toEqual([]);
        expect(ops.images.has(value)).toBe(false);
      }
    },
  );
});
