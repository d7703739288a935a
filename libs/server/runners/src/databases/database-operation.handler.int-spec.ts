import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { type DatabaseEngine, type DatabaseOperationKind, type DatabaseOperationLiveEvent, LiveTopics } from '@zpanel/contracts';
import { createLogger, generateDatabasePassword } from '@zpanel/core';
import {
  ApplicationsRepository,
  type DatabaseEntity,
  DatabaseOperationsRepository,
  DatabasesRepository,
  EnvVarsRepository,
  databasePasswordAad,
  teamScope,
} from '@zpanel/database';
import {
  type SeededEnvironment,
  type SeededTeam,
  seedApplication,
  seedDatabase,
  seedDatabaseOperation,
  seedEnvironment,
  seedTeamWithServer,
} from '@zpanel/database/testing';
import type { JobContext } from '@zpanel/queue';
import { dockerCli, removeDockerNamespace, testServerAddress, testServerKey, waitFor } from '@zpanel/testing';
import Redis from 'ioredis';
import { Client } from 'pg';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { namespacedTestConfig, useWorkerHarness } from '../worker-stores.testing';
import { DATABASE_OPERATION_TIMINGS, DatabaseOperationHandler } from './database-operation.handler';

/** A free TCP port on this machine (the test server's Docker publishes on it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Database operations against the real engines on the test server, over SSH, as the worker runs them:
 * one server stack (namespace, pool, stores) for the file, engines started once per engine and driven
 * through each operation, readiness timeouts short enough for a failure to show in seconds.
 */
describe(DatabaseOperationHandler.name, () => {
  const { config: namespaced, namespace, names } = namespacedTestConfig();
  const { config, box, stores, pool } = useWorkerHarness('database-operations-test', namespaced);
  let handler: DatabaseOperationHandler;
  let workspace: SeededTeam & SeededEnvironment;
  const context = (): JobContext => ({ jobId: 'job', attempt: 1, signal: new AbortController().signal });
  const team = () => teamScope(workspace.teamId);
  const databases = () => new DatabasesRepository(stores.dataSource.manager);
  const operations = () => new DatabaseOperationsRepository(stores.dataSource.manager);

  async function addDatabase(engine: DatabaseEngine, image: string, over: Partial<DatabaseEntity> = {}): Promise<{ id: string; password: string }> {
    const id = randomUUID();
    const password = generateDatabasePassword();
    const sql = engine !== 'redis';
    await seedDatabase(stores.dataSource, workspace, {
      password: () => box.seal(password, databasePasswordAad(id)),
      database: {
        id,
        name: `${engine}-${id.slice(0, 6)}`,
        engine,
        image,
        databaseName: sql ? 'shop' : null,
        userName: sql ? 'shop_app' : null,
        status: 'creating',
        ...over,
      },
    });
    return { id, password };
  }

  /** Queues the operation as the API does and runs its job; the finished operation and the database after it. */
  async function operate(databaseId: string, kind: DatabaseOperationKind, deleteData = false) {
    const queued = await seedDatabaseOperation(stores.dataSource, { teamId: workspace.teamId, id: databaseId }, { kind, deleteData });
    const result = await handler.handle({ operationId: queued.id }, context());
    expect(result).toMatchObject({ ran: true });
    const operation = await operations().get(team(), queued.id);
    return { operation, database: await databases().find(team(), databaseId) };
  }

  const passwordOf = async (id: string) => box.open((await databases().sealedPassword(team(), id)) as string, databasePasswordAad(id));
  const containerOf = (id: string) => names.databaseAlias(id);
  const volumes = () => dockerCli('volume', 'ls', '-q', '--filter', `label=zpanel.namespace=${namespace}`).split('\n').filter(Boolean);

  beforeAll(async () => {
    handler = new DatabaseOperationHandler(
      stores.dataSource,
      new DatabaseOperationsRepository(stores.dataSource.manager),
      new DatabasesRepository(stores.dataSource.manager),
      new ApplicationsRepository(stores.dataSource.manager),
      serverTargetsOver(stores.dataSource, box),
      pool,
      stores.live,
      box,
      config,
      createLogger({ level: 'silent', name: 'test' }),
      'test-worker',
    );
    handler.timings = {
      ...DATABASE_OPERATION_TIMINGS,
      heartbeatMs: 500,
      logBatchMs: 50,
      createReadiness: { timeoutMs: 120_000, intervalMs: 500, probeTimeoutMs: 10_000 },
      readiness: { timeoutMs: 60_000, intervalMs: 500, probeTimeoutMs: 10_000 },
      stopGraceSeconds: 10,
    };
    const seeded = await seedTeamWithServer(stores.dataSource, {
      team: 'databases',
      server: { ...testServerAddress(), name: 'db-server', status: 'ready' },
      privateKey: testServerKey(box),
    });
    workspace = { ...seeded, ...(await seedEnvironment(stores.dataSource, seeded)) };
  });

  afterAll(() => {
    // Containers, volumes, the tagged image and the network of this file carry its namespace.
    removeDockerNamespace(namespace);
    try {
      dockerCli('rmi', `zpanel-test/postgres:15-${namespace}`);
    } catch {
      // never tagged
    }
  });

  describe('PostgreSQL (zpanel-test/postgres:15), published on a port', () => {
    let db: { id: string; password: string };
    let port: number;
    const connect = async (password: string) => {
      const client = new Client({ host: '127.0.0.1', port, user: 'shop_app', password, database: 'shop', connectionTimeoutMillis: 5_000 });
      await client.connect();
      return client;
    };
    const query = async (password: string, sql: string) => {
      const client = await connect(password);
      try {
        return (await client.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    };

    beforeAll(async () => {
      port = await freePort();
      db = await addDatabase('postgresql', 'zpanel-test/postgres:15', { publicPort: port, memoryLimitMb: 256, cpuLimit: '0.50' });
    });

    it('creates the volume and container, becomes running, and logs the steps live with no password', async () => {
      const { operation, database } = await operate(db.id, 'create');
      expect(operation).toMatchObject({ status: 'success', reason: null, workerId: 'test-worker' });
      expect(database).toMatchObject({ status: 'running', statusReason: null });
      expect(operation.log).toContain(`Created the data volume ${names.databaseVolume(db.id)}.`);
      expect(operation.log).not.toContain(db.password);

      const labels = JSON.parse(dockerCli('inspect', '-f', '{{json .Config.Labels}}', containerOf(db.id))) as Record<string, string>;
      expect(labels).toMatchObject({
        'zpanel.database': db.id,
        'zpanel.team': workspace.teamId,
        'zpanel.namespace': namespace,
        'zpanel.role': 'database',
      });
      expect(JSON.parse(dockerCli('volume', 'inspect', '-f', '{{json .Labels}}', names.databaseVolume(db.id)))).toMatchObject({
        'zpanel.database': db.id,
        'zpanel.team': workspace.teamId,
      });
      expect(
        dockerCli('inspect', '-f', '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}', containerOf(db.id)),
      ).toBe(`unless-stopped ${256 * 1024 * 1024} 500000000`);
      const aliases = dockerCli('inspect', '-f', `{{json (index .NetworkSettings.Networks "${names.network}").Aliases}}`, containerOf(db.id));
      expect(aliases).toContain(`"${containerOf(db.id)}"`);

      const events = (await stores.live.range(LiveTopics.databaseOperation(operation.id), '0')).map((e) => e.event as DatabaseOperationLiveEvent);
      expect(events[0]).toEqual({ type: 'status', status: 'running', reason: null, reasonCode: null, databaseStatus: 'creating' });
      expect(events.at(-1)).toEqual({ type: 'status', status: 'success', reason: null, reasonCode: null, databaseStatus: 'running' });
      expect(events.flatMap((e) => (e.type === 'lines' ? e.lines : []))).toEqual(operation.log.split('\n'));

      await query(db.password, `CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'kept')`);
    });

    it('restarts, stops and starts with the data kept', async () => {
      expect((await operate(db.id, 'restart')).database?.status).toBe('running');
      expect(await query(db.password, 'SELECT item FROM orders')).toEqual([{ item: 'kept' }]);
      const stopped = await operate(db.id, 'stop');
      expect(stopped).toMatchObject({ operation: { status: 'success' }, database: { status: 'stopped' } });
      expect(dockerCli('inspect', '-f', '{{.State.Running}}', containerOf(db.id))).toBe('false');
      expect((await operate(db.id, 'start')).database?.status).toBe('running');
      expect(await query(db.password, 'SELECT item FROM orders')).toEqual([{ item: 'kept' }]);
    });

    it('applies a tag of the same major version and new limits on the same volume, and refuses a major upgrade with why', async () => {
      dockerCli('tag', 'zpanel-test/postgres:15', `zpanel-test/postgres:15-${namespace}`);
      await databases().change(team(), db.id, { image: `zpanel-test/postgres:15-${namespace}`, memoryLimitMb: 320 });
      const applied = await operate(db.id, 'apply');
      expect(applied).toMatchObject({ operation: { status: 'success' }, database: { status: 'running' } });
      expect(dockerCli('inspect', '-f', '{{.Config.Image}} {{.HostConfig.Memory}}', containerOf(db.id))).toBe(
        `zpanel-test/postgres:15-${namespace} ${320 * 1024 * 1024}`,
      );
      expect(await query(db.password, 'SELECT item FROM orders')).toEqual([{ item: 'kept' }]);

      await databases().change(team(), db.id, { image: 'zpanel-test/postgres:16' });
      const refused = await operate(db.id, 'apply');
      expect(refused.operation).toMatchObject({ status: 'failed', reasonCode: 'database.tag_refused' });
      expect(refused.operation.reason).toMatch(/PostgreSQL 15 data cannot be opened by PostgreSQL 16/);
      expect(refused.database).toMatchObject({ status: 'running', image: `zpanel-test/postgres:15-${namespace}` });
      expect(await query(db.password, 'SELECT item FROM orders')).toEqual([{ item: 'kept' }]);
    });

    it('puts the old container back, running with its data, when the new public port is taken', async () => {
      const taken = await freePort();
      dockerCli(
        'run',
        '-d',
        '--name',
        `${namespace}-apply-port-holder`,
        '--label',
        `zpanel.namespace=${namespace}`,
        '-p',
        `${taken}:80`,
        'zpanel-test/busybox',
        'sleep',
        '600',
      );
      await databases().change(team(), db.id, { publicPort: taken });
      const { operation, database } = await operate(db.id, 'apply');
      expect(operation).toMatchObject({ status: 'failed', reasonCode: 'database.port_taken' });
      expect(operation.reason).toContain(`Port ${taken} is already in use on the server`);
      expect(database?.status).toBe('running');
      expect(dockerCli('inspect', '-f', '{{.State.Running}}', containerOf(db.id))).toBe('true');
      expect(dockerCli('ps', '-a', '-q', '--filter', `name=${containerOf(db.id)}-previous`)).toBe('');
      // Started again a moment ago, the engine may still be recovering ("the database system is starting up").
      const rows = await waitFor(() => query(db.password, 'SELECT item FROM orders'), 30_000, 'the old container to answer');
      expect(rows).toEqual([{ item: 'kept' }]);
      await databases().change(team(), db.id, { publicPort: port });
    });

    it('rotates the password: the new one works, the old one is refused, neither is logged; referencing applications are marked for redeploy', async () => {
      const name = (await databases().get(team(), db.id)).name;
      const linked = await seedApplication(stores.dataSource, workspace, { name: 'orders-web' });
      const unrelated = await seedApplication(stores.dataSource, workspace, { name: 'orders-cron' });
      await new EnvVarsRepository(stores.dataSource.manager).put(team(), { scope: 'application', id: linked.id }, 'DATABASE_URL', {
        value: 'sealed',
        buildTime: false,
        runtime: true,
        references: [{ database: name, variable: 'DATABASE_URL' }],
      });
      const { operation } = await operate(db.id, 'rotate-password');
      expect(operation).toMatchObject({ status: 'success', reason: null });
      const rotated = await passwordOf(db.id);
      expect(rotated).not.toBe(db.password);
      expect(await query(rotated, 'SELECT item FROM orders')).toEqual([{ item: 'kept' }]);
      await expect(query(db.password, 'SELECT 1')).rejects.toThrow(/password authentication failed/);
      expect(operation.log).not.toContain(rotated);
      expect(operation.log).not.toContain(db.password);
      expect(operation.log).toContain('Marked for redeploy (they run with the old password until then): orders-web.');
      const applications = new ApplicationsRepository(stores.dataSource.manager);
      expect(await applications.get(team(), linked.id)).toMatchObject({ redeployReason: `The password of database ${name} was rotated.` });
      expect(await applications.get(team(), unrelated.id)).toMatchObject({ redeployReason: null });
      db.password = rotated;
    });

    it('deletes without deleteData: container and row gone, the volume kept (and found by its label); the operation outlives its database', async () => {
      const { operation, database } = await operate(db.id, 'delete');
      expect(operation).toMatchObject({ status: 'success', kind: 'delete' });
      expect(database).toBeNull();
      expect(() => dockerCli('inspect', containerOf(db.id))).toThrow();
      expect(dockerCli('volume', 'ls', '-q', '--filter', `label=zpanel.database=${db.id}`)).toBe(names.databaseVolume(db.id));
      const events = (await stores.live.range(LiveTopics.databaseOperation(operation.id), '0')).map((e) => e.event as DatabaseOperationLiveEvent);
      expect(events.at(-1)).toMatchObject({ type: 'status', status: 'success', databaseStatus: null });
    });
  });

  describe('MariaDB (zpanel-test/mariadb:10.11), on the Zpanel network only', () => {
    let db: { id: string; password: string };
    let client: string;
    /** Logs in from another container on the network, as an application would, and runs `sql`. */
    const sql = (password: string, statement: string) =>
      dockerCli(
        'exec',
        '-e',
        `MYSQL_PWD=${password}`,
        client,
        'mariadb',
        '-h',
        containerOf(db.id),
        '-u',
        'shop_app',
        '-N',
        '-B',
        'shop',
        '-e',
        statement,
      );

    beforeAll(async () => {
      db = await addDatabase('mariadb', 'zpanel-test/mariadb:10.11');
      client = `${namespace}-mariadb-client`;
    });

    it('creates with a root password of its own, keeps data across a restart, rotates as root and deletes with the data', async () => {
      const created = await operate(db.id, 'create');
      expect(created).toMatchObject({ operation: { status: 'success' }, database: { status: 'running' } });
      expect(dockerCli('inspect', '-f', '{{json .HostConfig.PortBindings}}', containerOf(db.id))).toMatch(/^(null|\{\})$/);
      const sealed = await databases().sealedSecrets(team(), db.id);
      expect(sealed?.rootPassword).toEqual(expect.any(String));

      dockerCli(
        'run',
        '-d',
        '--name',
        client,
        '--label',
        `zpanel.namespace=${namespace}`,
        '--network',
        names.network,
        '--entrypoint',
        'sleep',
        'zpanel-test/mariadb:10.11',
        'infinity',
      );
      sql(db.password, `CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (7)`);
      expect((await operate(db.id, 'restart')).database?.status).toBe('running');
      expect(sql(db.password, 'SELECT id FROM orders')).toBe('7');

      const rotated = await operate(db.id, 'rotate-password');
      expect(rotated.operation).toMatchObject({ status: 'success' });
      const next = await passwordOf(db.id);
      expect(sql(next, 'SELECT id FROM orders')).toBe('7');
      expect(() => sql(db.password, 'SELECT 1')).toThrow(/Access denied/);
      expect(rotated.operation.log).not.toContain(next);

      const removed = await operate(db.id, 'delete', true);
      expect(removed).toMatchObject({ operation: { status: 'success' }, database: null });
      expect(volumes()).not.toContain(names.databaseVolume(db.id));
    });
  });

  describe('Redis (zpanel-test/redis:7), published on a port', () => {
    it('creates, keeps a key across a password rotation (recreated with the new requirepass), and deletes with the data', async () => {
      const port = await freePort();
      const db = await addDatabase('redis', 'zpanel-test/redis:7', { publicPort: port });
      const connect = (password: string) =>
        new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });

      expect(await operate(db.id, 'create')).toMatchObject({ operation: { status: 'success' }, database: { status: 'running' } });
      const first = connect(db.password);
      await first.connect();
      await first.set('greeting', 'kept');
      first.disconnect();

      const rotated = await operate(db.id, 'rotate-password');
      expect(rotated).toMatchObject({ operation: { status: 'success' }, database: { status: 'running' } });
      const next = await passwordOf(db.id);
      const fresh = connect(next);
      await fresh.connect();
      expect(await fresh.get('greeting')).toBe('kept');
      fresh.disconnect();
      // Asked as a client would, on a connection that has not authenticated yet.
      const stale = new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
      await stale.connect();
      await expect(stale.auth(db.password)).rejects.toThrow(/WRONGPASS/);
      await expect(stale.get('greeting')).rejects.toThrow(/NOAUTH/);
      stale.disconnect();
      expect(dockerCli('inspect', '-f', '{{json .Config.Cmd}}', containerOf(db.id))).toContain(next);

      expect(await operate(db.id, 'delete', true)).toMatchObject({ operation: { status: 'success' }, database: null });
      expect(volumes()).not.toContain(names.databaseVolume(db.id));
    });
  });

  describe('failures', () => {
    it('fails a create whose public port is taken on the server, naming the port, and removes its container and volume', async () => {
      const port = await freePort();
      dockerCli(
        'run',
        '-d',
        '--name',
        `${namespace}-port-holder`,
        '--label',
        `zpanel.namespace=${namespace}`,
        '-p',
        `${port}:80`,
        'zpanel-test/busybox',
        'sleep',
        '600',
      );
      const db = await addDatabase('redis', 'zpanel-test/redis:7', { publicPort: port });
      const { operation, database } = await operate(db.id, 'create');
      expect(operation).toMatchObject({ status: 'failed', reasonCode: 'database.port_taken' });
      expect(operation.reason).toContain(`Port ${port} is already in use on the server`);
      expect(database).toMatchObject({ status: 'failed', statusReasonCode: 'database.port_taken' });
      expect(() => dockerCli('inspect', containerOf(db.id))).toThrow();
      expect(volumes()).not.toContain(names.databaseVolume(db.id));
    });

    it('stops a create that outlives the operation timeout: failed, its database failed (never left creating), nothing left behind', async () => {
      const db = await addDatabase('postgresql', 'zpanel-test/postgres:15');
      const before = handler.timings;
      // PostgreSQL's first start (initdb) takes seconds: the operation is stopped while it waits.
      handler.timings = { ...before, operationTimeoutMs: 300 };
      try {
        const { operation, database } = await operate(db.id, 'create');
        expect(operation).toMatchObject({ status: 'failed', reasonCode: 'database.timed_out' });
        expect(database).toMatchObject({ status: 'failed', statusReasonCode: 'database.timed_out' });
        expect(operation.log).toContain('The operation took too long and was stopped.');
      } finally {
        handler.timings = before;
      }
      expect(() => dockerCli('inspect', containerOf(db.id))).toThrow();
      expect(volumes()).not.toContain(names.databaseVolume(db.id));
    });

    it('fails a create whose image cannot be had, with Docker’s words, leaving nothing behind', async () => {
      const db = await addDatabase('postgresql', `zpanel-test/postgres:0-missing-${namespace}`);
      const { operation, database } = await operate(db.id, 'create');
      expect(operation).toMatchObject({ status: 'failed', reasonCode: 'database.image_pull_failed' });
      expect(database?.status).toBe('failed');
      expect(volumes()).not.toContain(names.databaseVolume(db.id));
    });
  });
});
