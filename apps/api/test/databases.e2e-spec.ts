import {
  type ApplicationDto,
  AuditAction,
  type AuditEventDto,
  type CreateDatabaseResponse,
  type CreatedApiTokenResponse,
  type DatabaseCredentialsDto,
  type DatabaseDto,
  type DatabaseOperationDto,
  type DatabaseOperationLiveEvent,
  type DatabaseOperationQueuedResponse,
  type DatabaseOperationWithLogDto,
  type DatabaseStatsDto,
  type EnvironmentDto,
  type Paginated,
  type ProblemDetails,
  type ProjectDto,
  Role,
  type ServerDto,
  type SshKeyDto,
  TEAM_HEADER,
  type UpdateDatabaseResponse,
} from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import { type EventsSocket, connectEvents, dockerCli, joinTeam, liveSubscribe, readyTestServer, useOwnedStack, waitFor } from '@zpanel/testing';
import { existsSync } from 'node:fs';
import { Client } from 'pg';

/**
 * One-click databases through the built API. No worker runs: operations stay queued (the tests that
 * need one finished finish it in the table, as the worker would), so a 409 for an operation in
 * flight is certain, and nothing reaches a server.
 */
// At the file's level: the suite's own afterAll (its database client) runs before the stack stops.
const suite = useOwnedStack();

describe('databases (built api)', () => {
  const { asOwner, inTeam: call } = suite;
  let db: Client;
  let serverId: string;
  let otherServerId: string;
  let pendingServerId: string;
  let projectId: string;
  let environmentId: string;
  let viewer: string;
  let member: string;
  let readToken: string;
  let sensitiveToken: string;
  const sockets: EventsSocket[] = [];

  const fieldsOf = (r: { body: unknown }) => [...new Set(((r.body as ProblemDetails).errors ?? []).map((e) => e.field))];
  const messagesOf = (r: { body: unknown }) => ((r.body as ProblemDetails).errors ?? []).map((e) => e.message).join(' | ');
  const databaseCount = async () => (await asOwner<Paginated<DatabaseDto>>('GET', '/api/v1/databases?perPage=1')).body.total;
  const body = (overrides: Record<string, unknown> = {}) => ({ environmentId, serverId, name: 'main-db', engine: 'postgresql', ...overrides });
  const create = async (overrides: Record<string, unknown> = {}) => {
    const r = await asOwner<CreateDatabaseResponse>('POST', '/api/v1/databases', body(overrides));
    expect({ status: r.status, errors: (r.body as unknown as ProblemDetails).errors }).toEqual({ status: 202, errors: undefined });
    return r.body;
  };
  /** What the worker would do with every operation in flight: finish it. */
  const finishOperations = () =>
    db.query(`UPDATE database_operations SET status = 'success', started_at = now(), finished_at = now() WHERE status IN ('queued', 'running')`);
  const register = async (email: string, role: Role) => (await joinTeam(call, suite.owner, email, role)).accessToken;
  const token = async (abilities: string[]) =>
    (await asOwner<CreatedApiTokenResponse>('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, { name: abilities.join(' '), abilities })).body
      .token;

  beforeAll(async () => {
    db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    const keyId = (await asOwner<SshKeyDto>('POST', '/api/v1/ssh-keys', { name: 'deploy' })).body.id;
    const addServer = async (name: string, host: string) =>
      (await asOwner<ServerDto>('POST', '/api/v1/servers', { name, host, sshKeyId: keyId })).body.id;
    serverId = await addServer('db-1', '192.0.2.10');
    otherServerId = await addServer('db-2', '192.0.2.11');
    pendingServerId = await addServer('db-3', '192.0.2.12');
    // As a validation would leave them (no worker runs here to validate).
    await db.query(`UPDATE servers SET status = 'ready', host_key_fingerprint = 'SHA256:matrix' WHERE id = ANY($1)`, [[serverId, otherServerId]]);
    projectId = (await asOwner<ProjectDto>('POST', '/api/v1/projects', { name: 'Shop' })).body.id;
    environmentId = (await asOwner<Paginated<EnvironmentDto>>('GET', `/api/v1/projects/${projectId}/environments`)).body.items[0].id;
    viewer = await register('viewer@example.com', Role.Viewer);
    member = await register('member@example.com', Role.Member);
    readToken = await token(['read']);
    sensitiveToken = await token(['read', 'read:sensitive']);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await db?.end();
  });

  it('documents every route, with a summary, a success answer and examples', async () => {
    type Operation = { summary?: string; responses: Record<string, unknown> };
    const doc = (await (await fetch(`${suite.stack.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, { properties: Record<string, { example?: unknown }> }> };
    };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/databases'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    expect(operations.map((o) => o.route).sort()).toEqual(
      [
        'GET /api/v1/databases',
        'POST /api/v1/databases',
        'GET /api/v1/databases/{databaseId}',
        'PATCH /api/v1/databases/{databaseId}',
        'DELETE /api/v1/databases/{databaseId}',
        'POST /api/v1/databases/{databaseId}/start',
        'POST /api/v1/databases/{databaseId}/stop',
        'POST /api/v1/databases/{databaseId}/restart',
        'POST /api/v1/databases/{databaseId}/rotate-password',
        'GET /api/v1/databases/{databaseId}/credentials',
        'GET /api/v1/databases/{databaseId}/operations',
        'GET /api/v1/databases/{databaseId}/operations/{operationId}',
        'GET /api/v1/databases/{databaseId}/logs',
        'GET /api/v1/databases/{databaseId}/stats',
        // Backups of a database (backups.e2e-spec.ts).
        'POST /api/v1/databases/{databaseId}/backups',
        'POST /api/v1/databases/{databaseId}/restores/upload',
      ].sort(),
    );
    for (const { route, op } of operations) {
      expect({ route, summary: Boolean(op.summary), success: Object.keys(op.responses).some((s) => /^2/.test(s)) }).toEqual({
        route,
        summary: true,
        success: true,
      });
    }
    for (const schema of ['CreateDatabaseDto', 'DatabaseDoc', 'DatabaseCredentialsDoc', 'DatabaseOperationDoc']) {
      const withoutExample = Object.entries(doc.components.schemas[schema].properties)
        .filter(([, property]) => property.example === undefined && !('$ref' in property) && !('format' in property))
        .map(([name]) => name);
      expect({ schema, withoutExample }).toEqual({ schema, withoutExample: [] });
    }
  });

  describe('creating', () => {
    it('creates a PostgreSQL database with generated, sealed credentials and defaults, and queues its create operation', async () => {
      const created = await asOwner<CreateDatabaseResponse>('POST', '/api/v1/databases', body());
      expect(created.status).toBe(202);
      const { database, operation } = created.body;
      expect(database).toEqual({
        id: expect.any(String),
        teamId: suite.owner.teamId,
        environmentId,
        serverId,
        name: 'main-db',
        engine: 'postgresql',
        image: 'postgres:17',
        databaseName: 'main_db',
        userName: 'main_db',
        internalHost: expect.any(String),
        internalPort: 5432,
        publicPort: null,
        memoryLimitMb: null,
        cpuLimit: null,
        status: 'creating',
        statusReason: null,
        statusReasonCode: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      // The alias on the server's network comes from the id (zpanelDockerNames().databaseAlias), never the name.
      expect(database.internalHost).toBe(`${suite.stack.dockerNamespace}-database-${database.id.replace(/-/g, '')}`);
      expect(operation).toEqual({
        id: expect.any(String),
        databaseId: database.id,
        kind: 'create',
        status: 'queued',
        reason: null,
        reasonCode: null,
        createdAt: expect.any(String),
        startedAt: null,
        finishedAt: null,
      });
      expect(created.text).not.toMatch(/password/i);
      // Sealed at rest (SecretBox's v1 format), bound to the id.
      const stored = (await db.query<{ password: string }>('SELECT password FROM databases WHERE id = $1', [database.id])).rows[0];
      expect(stored.password).toMatch(/^v1\./);
      expect((await asOwner<DatabaseDto>('GET', `/api/v1/databases/${database.id}`)).body).toEqual(database);

      const audit = await asOwner<Paginated<AuditEventDto>>('GET', `/api/v1/audit-events?action=${AuditAction.DatabaseCreated}`);
      expect(audit.body.items[0]).toMatchObject({
        target: { type: 'database', id: database.id },
        metadata: { name: 'main-db', engine: 'postgresql', image: 'postgres:17', serverId, environmentId, operationId: operation.id },
      });
    });

    it('gives Redis no database or user name, and takes a chosen image, names, public port and limits', async () => {
      const redis = await create({ name: 'cache', engine: 'redis' });
      expect(redis.database).toMatchObject({ engine: 'redis', image: 'redis:7', databaseName: null, userName: null, internalPort: 6379 });
      const chosen = await create({
        name: 'orders',
        engine: 'mariadb',
        image: 'zpanel-test/mariadb:10.11',
        databaseName: 'orders',
        userName: 'orders_app',
        publicPort: 13306,
        memoryLimitMb: 256,
        cpuLimit: 0.5,
      });
      expect(chosen.database).toMatchObject({
        image: 'zpanel-test/mariadb:10.11',
        databaseName: 'orders',
        userName: 'orders_app',
        publicPort: 13306,
        memoryLimitMb: 256,
        cpuLimit: 0.5,
        internalPort: 3306,
      });
    });

    it('derives database and user names the engine accepts from any resource name', async () => {
      const cases: [string, string, string, string][] = [
        ['1st-db', 'postgresql', 'db_1st_db', 'db_1st_db'],
        ['root', 'mariadb', 'db_root', 'db_root'],
        ['pg-main', 'postgresql', 'db_pg_main', 'db_pg_main'],
        // MariaDB users are at most 32 characters, databases 64.
        ['a'.repeat(40), 'mariadb', 'a'.repeat(40), 'a'.repeat(32)],
      ];
      for (const [name, engine, databaseName, userName] of cases) {
        const { database } = await create({ name, engine });
        expect({ name, databaseName: database.databaseName, userName: database.userName }).toEqual({ name, databaseName, userName });
      }
    });

    it('refuses bad fields with a 400 naming each, and creates nothing', async () => {
      const before = await databaseCount();
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'Main_DB' }, 'name'],
        [{ name: '-db' }, 'name'],
        [{ name: 'x'.repeat(41) }, 'name'],
        [{ name: '' }, 'name'],
        [{ engine: 'oracle' }, 'engine'],
        // In the catalogue, not offered: no MySQL server can run in the test environment (docs/databases.md).
        [{ engine: 'mysql' }, 'engine'],
        [{ engine: undefined }, 'engine'],
        [{ image: 'Postgres:17' }, 'image'],
        [{ image: 'postgres:17 --privileged' }, 'image'],
        [{ image: '' }, 'image'],
        [{ databaseName: 'Shop' }, 'databaseName'],
        [{ databaseName: 'postgres' }, 'databaseName'],
        [{ databaseName: 'pg_shop' }, 'databaseName'],
        [{ userName: '1user' }, 'userName'],
        [{ userName: 'root' }, 'userName'],
        [{ engine: 'mariadb', userName: 'u'.repeat(33) }, 'userName'],
        [{ engine: 'redis', databaseName: 'cache' }, 'databaseName'],
        [{ engine: 'redis', userName: 'default' }, 'userName'],
        [{ publicPort: 0 }, 'publicPort'],
        [{ publicPort: 65536 }, 'publicPort'],
        [{ publicPort: -1 }, 'publicPort'],
        [{ publicPort: 5432.5 }, 'publicPort'],
        [{ publicPort: '5432' }, 'publicPort'],
        [{ memoryLimitMb: 5 }, 'memoryLimitMb'],
        [{ memoryLimitMb: 1.5 }, 'memoryLimitMb'],
        [{ cpuLimit: 0 }, 'cpuLimit'],
        [{ cpuLimit: 0.001 }, 'cpuLimit'],
        [{ cpuLimit: 257 }, 'cpuLimit'],
        [{ password: 'chosen-by-me' }, 'password'],
        [{ environmentId: 'not-a-uuid' }, 'environmentId'],
        [{ serverId: '00000000-0000-4000-8000-000000000000' }, 'serverId'],
        [{ environmentId: '00000000-0000-4000-8000-000000000000' }, 'environmentId'],
      ];
      const outcomes: string[] = [];
      for (const [overrides, field] of cases) {
        const r = await asOwner('POST', '/api/v1/databases', body({ name: 'refused', ...overrides }));
        outcomes.push(`${JSON.stringify(overrides).slice(0, 60)} -> ${r.status} ${fieldsOf(r).join(',')}`);
        expect({ field, type: r.headers.get('content-type') }).toEqual({ field, type: expect.stringMatching(/^application\/problem\+json/) });
      }
      expect(outcomes).toEqual(cases.map(([overrides, field]) => `${JSON.stringify(overrides).slice(0, 60)} -> 400 ${field}`));
      expect(await databaseCount()).toBe(before);
    });

    it('refuses every hostile value in every text field, naming the field, storing nothing and running nothing', async () => {
      const canary = `/tmp/zp-db-pwned-${Date.now()}`;
      const values = [...injectionPayloads(canary), 'app\u0000; touch x', '\u00ff\u00fe', 'a\ufffdb', 'a\ud800b', '-u root', '--requirepass'];
      const before = await databaseCount();
      const { database } = await create({ name: 'hostile-target' });
      await finishOperations();
      const failures: string[] = [];
      for (const value of values) {
        for (const field of ['name', 'image', 'databaseName', 'userName']) {
          const r = await asOwner('POST', '/api/v1/databases', body({ name: 'hostile', [field]: value }));
          if (r.status !== 400 || !fieldsOf(r).includes(field)) failures.push(`POST ${field}=${JSON.stringify(value).slice(0, 40)} -> ${r.status}`);
        }
        for (const field of ['name', 'image']) {
          const r = await asOwner('PATCH', `/api/v1/databases/${database.id}`, { [field]: value });
          if (r.status !== 400 || !fieldsOf(r).includes(field)) failures.push(`PATCH ${field}=${JSON.stringify(value).slice(0, 40)} -> ${r.status}`);
        }
      }
      expect(failures).toEqual([]);
      expect(await databaseCount()).toBe(before + 1);
      expect((await asOwner<DatabaseDto>('GET', `/api/v1/databases/${database.id}`)).body).toMatchObject({
        name: 'hostile-target',
        image: 'postgres:17',
      });
      expect(existsSync(canary)).toBe(false);
    });

    it('needs a validated server of the team', async () => {
      const pending = await asOwner('POST', '/api/v1/databases', body({ name: 'nowhere', serverId: pendingServerId }));
      expect(pending.status).toBe(409);
      expect(fieldsOf(pending)).toEqual(['serverId']);
      expect(messagesOf(pending)).toContain('pending');
    });

    it('shares names with the applications of the environment (409 naming name), not with other environments', async () => {
      await create({ name: 'shared' });
      const again = await asOwner('POST', '/api/v1/databases', body({ name: 'shared', engine: 'redis' }));
      expect(again.status).toBe(409);
      expect(fieldsOf(again)).toEqual(['name']);
      const app = await asOwner<ApplicationDto>('POST', '/api/v1/applications', {
        environmentId,
        serverId: otherServerId,
        name: 'storefront',
        buildPack: 'image',
        imageReference: 'nginx:1.27',
        port: 80,
      });
      expect(app.status).toBe(201);
      const asApp = await asOwner('POST', '/api/v1/databases', body({ name: 'storefront' }));
      expect(asApp.status).toBe(409);
      expect(fieldsOf(asApp)).toEqual(['name']);
      // And the other way round: an application may not take a database's name, added or renamed.
      const appAsDatabase = await asOwner('POST', '/api/v1/applications', {
        environmentId,
        serverId: otherServerId,
        name: 'shared',
        buildPack: 'image',
        imageReference: 'nginx:1.27',
        port: 80,
      });
      expect({ status: appAsDatabase.status, fields: fieldsOf(appAsDatabase) }).toEqual({ status: 409, fields: ['name'] });
      const renamedApp = await asOwner('PATCH', `/api/v1/applications/${app.body.id}`, { name: 'shared' });
      expect({ status: renamedApp.status, fields: fieldsOf(renamedApp) }).toEqual({ status: 409, fields: ['name'] });
      const staging = (await asOwner<EnvironmentDto>('POST', `/api/v1/projects/${projectId}/environments`, { name: 'staging' })).body;
      expect((await create({ name: 'shared', environmentId: staging.id })).database.environmentId).toBe(staging.id);
    });

    it('publishes a port once per server (409 naming publicPort and the port), any number of times across servers', async () => {
      await create({ name: 'published', publicPort: 15432 });
      const taken = await asOwner('POST', '/api/v1/databases', body({ name: 'published-2', publicPort: 15432 }));
      expect(taken.status).toBe(409);
      expect(fieldsOf(taken)).toEqual(['publicPort']);
      expect(messagesOf(taken)).toContain('15432');
      expect((await create({ name: 'published-3', serverId: otherServerId, publicPort: 15432 })).database.publicPort).toBe(15432);
    });
  });

  describe('listing', () => {
    it('pages the team’s databases by name, optionally of one environment', async () => {
      const all = await asOwner<Paginated<DatabaseDto>>('GET', '/api/v1/databases?perPage=100');
      expect(all.status).toBe(200);
      const names = all.body.items.map((d) => d.name);
      expect(names).toEqual([...names].sort());
      const page = await asOwner<Paginated<DatabaseDto>>('GET', '/api/v1/databases?perPage=2&page=2');
      expect(page.body).toMatchObject({ page: 2, perPage: 2, total: all.body.total });
      expect(page.body.items.map((d) => d.id)).toEqual(all.body.items.slice(2, 4).map((d) => d.id));
      const ofEnvironment = await asOwner<Paginated<DatabaseDto>>('GET', `/api/v1/databases?environmentId=${environmentId}&perPage=100`);
      expect(ofEnvironment.body.items.every((d) => d.environmentId === environmentId)).toBe(true);
      expect(ofEnvironment.body.total).toBeLessThan(all.body.total);
      expect(all.text).not.toMatch(/password/i);
      for (const query of ['environmentId=nope', 'perPage=0', 'page=0', 'perPage=101']) {
        expect((await asOwner('GET', `/api/v1/databases?${query}`)).status).toBe(400);
      }
      expect((await call('GET', '/api/v1/databases', viewer)).status).toBe(200);
    });
  });

  describe('operations', () => {
    it('queues one operation at a time: anything else is a 409 until it finishes', async () => {
      const { database, operation } = await create({ name: 'busy' });
      const path = `/api/v1/databases/${database.id}`;
      for (const [method, route, payload] of [
        ['POST', '/start'],
        ['POST', '/stop'],
        ['POST', '/restart'],
        ['POST', '/rotate-password'],
        ['DELETE', ''],
        ['PATCH', '', { memoryLimitMb: 512 }],
      ] as const) {
        const r = await asOwner(method, `${path}${route}`, payload);
        expect({ route: `${method} ${route}`, status: r.status, detail: (r.body as ProblemDetails).detail }).toEqual({
          route: `${method} ${route}`,
          status: 409,
          detail: expect.stringContaining(operation.id),
        });
      }
      // A rename changes only the record: allowed meanwhile, with no operation.
      const renamed = await asOwner<UpdateDatabaseResponse>('PATCH', path, { name: 'busy-renamed' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ database: { name: 'busy-renamed', memoryLimitMb: null }, operation: null });

      await finishOperations();
      const kinds: string[] = [];
      for (const action of ['stop', 'start', 'restart', 'rotate-password'] as const) {
        const r = await asOwner<DatabaseOperationQueuedResponse>('POST', `${path}/${action}`);
        expect(r.status).toBe(202);
        expect(r.body.operation).toMatchObject({ databaseId: database.id, kind: action, status: 'queued' });
        kinds.push(r.body.operation.kind);
        await finishOperations();
      }
      const history = await asOwner<Paginated<DatabaseOperationDto>>('GET', `${path}/operations?perPage=2`);
      expect(history.status).toBe(200);
      expect(history.body.total).toBe(5);
      expect(history.body.items.map((o) => o.kind)).toEqual(['rotate-password', 'restart']);
      expect(history.body.items[0]).not.toHaveProperty('log');
      const second = await asOwner<Paginated<DatabaseOperationDto>>('GET', `${path}/operations?perPage=2&page=3`);
      expect(second.body.items.map((o) => o.kind)).toEqual(['create']);
      const one = await asOwner<DatabaseOperationWithLogDto>('GET', `${path}/operations/${operation.id}`);
      expect(one.body).toMatchObject({ id: operation.id, kind: 'create', status: 'success', log: '' });

      const audit = await asOwner<Paginated<AuditEventDto>>('GET', `/api/v1/audit-events?action=${AuditAction.DatabaseOperationRequested}&perPage=4`);
      expect(audit.body.items.map((e) => e.metadata.kind)).toEqual(['rotate-password', 'restart', 'start', 'stop']);
    });

    it('answers 404 for an operation of another database, and a bad id with a 400 naming it', async () => {
      const a = await create({ name: 'ops-a' });
      const b = await create({ name: 'ops-b' });
      const other = await asOwner('GET', `/api/v1/databases/${a.database.id}/operations/${b.operation.id}`);
      expect(other.status).toBe(404);
      const bad = await asOwner('GET', `/api/v1/databases/${a.database.id}/operations/nope`);
      expect(bad.status).toBe(400);
      expect(fieldsOf(bad)).toEqual(['operationId']);
    });

    it('streams an operation through the live gateway, checked like the REST route', async () => {
      const { operation } = await create({ name: 'live' });
      const socket = await connectEvents(suite.stack.baseUrl, viewer);
      sockets.push(socket);
      const subscription = await liveSubscribe(socket, { kind: 'database-operation', operationId: operation.id });
      expect(subscription.result).toEqual({ ok: true, subscriptionId: subscription.subscriptionId });
      const missing = await liveSubscribe(socket, { kind: 'database-operation', operationId: '00000000-0000-4000-8000-000000000000' });
      expect(missing.result).toMatchObject({ ok: false, status: 404 });
      const bad = await liveSubscribe(socket, { kind: 'database-operation', operationId: 'nope' });
      expect(bad.result).toMatchObject({ ok: false, status: 400, errors: [{ field: 'operationId' }] });
    });
  });

  describe('changing', () => {
    let id: string;
    const patch = (change: Record<string, unknown>) => asOwner<UpdateDatabaseResponse>('PATCH', `/api/v1/databases/${id}`, change);

    beforeAll(async () => {
      id = (await create({ name: 'pg15', image: 'zpanel-test/postgres:15' })).database.id;
      await finishOperations();
    });

    it('refuses an image change the engine cannot take on its data, with the reason, naming image', async () => {
      const cases: [string, RegExp][] = [
        ['zpanel-test/postgres:16', /PostgreSQL 15 data cannot be opened by PostgreSQL 16.*pg_upgrade/],
        ['zpanel-test/postgres:14', /PostgreSQL 15 data cannot be opened by PostgreSQL 14/],
        ['zpanel-test/postgres:15-alpine', /Alpine and Debian/],
        ['zpanel-test/postgres:latest', /version tag/],
        ['zpanel-test/postgres', /version tag/],
        ['postgres:15', /must stay zpanel-test\/postgres/],
        [`zpanel-test/postgres@sha256:${'a'.repeat(64)}`, /digest/],
      ];
      for (const [image, reason] of cases) {
        const r = await patch({ image });
        expect({ image, status: r.status, fields: fieldsOf(r) }).toEqual({ image, status: 400, fields: ['image'] });
        expect(messagesOf(r)).toMatch(reason);
      }
      expect((await asOwner<DatabaseDto>('GET', `/api/v1/databases/${id}`)).body.image).toBe('zpanel-test/postgres:15');
    });

    it('recreates the container for a new tag, limits or public port (an apply operation), and only for a real change', async () => {
      const tagged = await patch({ image: 'zpanel-test/postgres:15.4' });
      expect(tagged.status).toBe(200);
      expect(tagged.body).toMatchObject({ database: { image: 'zpanel-test/postgres:15.4' }, operation: { kind: 'apply', status: 'queued' } });
      await finishOperations();
      const limits = await patch({ memoryLimitMb: 128, cpuLimit: 1.25, publicPort: 25432 });
      expect(limits.body).toMatchObject({ database: { memoryLimitMb: 128, cpuLimit: 1.25, publicPort: 25432 }, operation: { kind: 'apply' } });
      await finishOperations();
      const same = await patch({ memoryLimitMb: 128, cpuLimit: 1.25, publicPort: 25432, name: 'pg15' });
      expect(same.body).toMatchObject({ database: { memoryLimitMb: 128 }, operation: null });
      const unpublished = await patch({ publicPort: null, memoryLimitMb: null, cpuLimit: null });
      expect(unpublished.body).toMatchObject({ database: { publicPort: null, memoryLimitMb: null, cpuLimit: null }, operation: { kind: 'apply' } });
      await finishOperations();

      const audit = await asOwner<Paginated<AuditEventDto>>('GET', `/api/v1/audit-events?action=${AuditAction.DatabaseUpdated}&perPage=1`);
      expect(audit.body.items[0]).toMatchObject({
        target: { type: 'database', id },
        metadata: { changed: ['publicPort', 'memoryLimitMb', 'cpuLimit'], operationId: unpublished.body.operation?.id },
      });
    });

    it('checks a rename and a new port like a creation', async () => {
      await create({ name: 'taken-name', publicPort: 35432 });
      const name = await patch({ name: 'taken-name' });
      expect({ status: name.status, fields: fieldsOf(name) }).toEqual({ status: 409, fields: ['name'] });
      const app = await patch({ name: 'storefront' });
      expect({ status: app.status, fields: fieldsOf(app) }).toEqual({ status: 409, fields: ['name'] });
      const port = await patch({ publicPort: 35432 });
      expect({ status: port.status, fields: fieldsOf(port) }).toEqual({ status: 409, fields: ['publicPort'] });
      for (const [change, field] of [
        [{ publicPort: 0 }, 'publicPort'],
        [{ publicPort: 65536 }, 'publicPort'],
        [{ memoryLimitMb: 1 }, 'memoryLimitMb'],
        [{ name: null }, 'name'],
        [{ engine: 'redis' }, 'engine'],
        [{ databaseName: 'other' }, 'databaseName'],
      ] as const) {
        const r = await patch(change);
        expect({ change, status: r.status, fields: fieldsOf(r) }).toEqual({ change, status: 400, fields: [field] });
      }
      expect((await asOwner<DatabaseDto>('GET', `/api/v1/databases/${id}`)).body).toMatchObject({ name: 'pg15', publicPort: null });
    });

    it('refuses to rename a database that variables reference (409 naming name), and renames it once they are gone', async () => {
      const key = `/api/v1/environments/${environmentId}/env/PG15_URL`;
      expect((await asOwner('PUT', key, { value: '${{ pg15.DATABASE_URL }}' })).status).toBe(200);
      const referenced = await patch({ name: 'pg15-renamed' });
      expect({ status: referenced.status, fields: fieldsOf(referenced) }).toEqual({ status: 409, fields: ['name'] });
      expect((referenced.body as unknown as ProblemDetails).detail).toContain('PG15_URL');
      expect((await asOwner('DELETE', key)).status).toBe(204);
      const renamed = await patch({ name: 'pg15-renamed' });
      expect(renamed.body).toMatchObject({ database: { name: 'pg15-renamed' }, operation: null });
      expect((await patch({ name: 'pg15' })).status).toBe(200);
    });
  });

  describe('credentials', () => {
    it('reveals the password and connection URLs to read:sensitive only, audited, and never anywhere else', async () => {
      const { database } = await create({ name: 'secret-db', publicPort: 45432 });
      const path = `/api/v1/databases/${database.id}/credentials`;
      const revealed = await asOwner<DatabaseCredentialsDto>('GET', path);
      expect(revealed.status).toBe(200);
      const { password } = revealed.body;
      expect(password).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(revealed.body).toEqual({
        userName: 'secret_db',
        databaseName: 'secret_db',
        password,
        internalUrl: `postgresql://secret_db:${password}@${database.internalHost}:5432/secret_db`,
        publicUrl: `postgresql://secret_db:${password}@192.0.2.10:45432/secret_db`,
      });
      expect((await call<DatabaseCredentialsDto>('GET', path, member)).body.password).toBe(password);
      expect((await call<DatabaseCredentialsDto>('GET', path, sensitiveToken)).body.password).toBe(password);
      for (const [who, credential] of [
        ['viewer', viewer],
        ['read token', readToken],
      ]) {
        const refused = await call('GET', path, credential);
        expect({ who, status: refused.status }).toEqual({ who, status: 403 });
      }

      const everywhere = [
        await asOwner('GET', `/api/v1/databases/${database.id}`),
        await asOwner('GET', '/api/v1/databases?perPage=100'),
        await asOwner('GET', `/api/v1/databases/${database.id}/operations`),
        await asOwner('GET', '/api/v1/audit-events?perPage=100'),
      ];
      for (const r of everywhere) expect(r.text).not.toContain(password);
      const audit = await asOwner<Paginated<AuditEventDto>>('GET', `/api/v1/audit-events?action=${AuditAction.DatabaseCredentialsRevealed}`);
      expect(audit.body.items.filter((e) => e.target?.id === database.id)).toHaveLength(3);

      const redis = (await create({ name: 'secret-cache', engine: 'redis' })).database;
      const redisCredentials = (await asOwner<DatabaseCredentialsDto>('GET', `/api/v1/databases/${redis.id}/credentials`)).body;
      expect(redisCredentials).toMatchObject({ userName: 'default', databaseName: '0', publicUrl: null });
      expect(redisCredentials.internalUrl).toBe(`redis://default:${redisCredentials.password}@${redis.internalHost}:6379/0`);
    });
  });

  describe('roles', () => {
    it('lets viewers read and nothing more; members change', async () => {
      const { database } = await create({ name: 'roles-db' });
      await finishOperations();
      const path = `/api/v1/databases/${database.id}`;
      expect((await call('GET', path, viewer)).status).toBe(200);
      expect((await call('GET', `${path}/operations`, viewer)).status).toBe(200);
      expect((await call<DatabaseStatsDto>('GET', `${path}/stats`, viewer)).body).toEqual({
        sampledAt: null,
        cpuPercent: null,
        memoryBytes: null,
        memoryLimitBytes: null,
      });
      const writes: [string, string, unknown?][] = [
        ['POST', '/api/v1/databases', body({ name: 'by-viewer' })],
        ['PATCH', path, { name: 'by-viewer' }],
        ['DELETE', path],
        ['POST', `${path}/start`],
        ['POST', `${path}/stop`],
        ['POST', `${path}/restart`],
        ['POST', `${path}/rotate-password`],
      ];
      for (const [method, route, payload] of writes) {
        const r = await call(method, route, viewer, payload);
        expect({ route: `${method} ${route}`, status: r.status }).toEqual({ route: `${method} ${route}`, status: 403 });
      }
      const renamed = await call<UpdateDatabaseResponse>('PATCH', path, member, { name: 'roles-db-2' });
      expect(renamed.status).toBe(200);
      expect((await call('POST', `${path}/restart`, member)).status).toBe(202);
    });
  });

  describe('deleting', () => {
    it('marks the database deleting and queues the delete, keeping the data unless asked', async () => {
      const { database } = await create({ name: 'doomed' });
      await finishOperations();
      const path = `/api/v1/databases/${database.id}`;
      const bad = await asOwner('DELETE', `${path}?deleteData=yes`);
      expect({ status: bad.status, fields: fieldsOf(bad) }).toEqual({ status: 400, fields: ['deleteData'] });
      const deleted = await asOwner<DatabaseOperationQueuedResponse>('DELETE', path);
      expect(deleted.status).toBe(202);
      expect(deleted.body.operation).toMatchObject({ kind: 'delete', status: 'queued', deleteData: false });
      expect((await asOwner<DatabaseDto>('GET', path)).body.status).toBe('deleting');
      await finishOperations();
      // What the worker leaves when the delete failed: asked again, it queues another; nothing else is accepted.
      expect((await asOwner('POST', `${path}/start`)).status).toBe(409);
      expect((await asOwner('PATCH', path, { memoryLimitMb: 64 })).status).toBe(409);
      const again = await asOwner<DatabaseOperationQueuedResponse>('DELETE', `${path}?deleteData=true`);
      expect(again.body.operation).toMatchObject({ kind: 'delete', deleteData: true });
      const audit = await asOwner<Paginated<AuditEventDto>>('GET', `/api/v1/audit-events?action=${AuditAction.DatabaseDeleted}&perPage=1`);
      expect(audit.body.items[0]).toMatchObject({
        target: { id: database.id },
        metadata: { deleteData: true, operationId: again.body.operation.id },
      });
    });

    it('keeps an environment, a project and a server that still have databases (409 naming the count)', async () => {
      const project = (await asOwner<ProjectDto>('POST', '/api/v1/projects', { name: 'Warehouse' })).body;
      const staging = (await asOwner<EnvironmentDto>('POST', `/api/v1/projects/${project.id}/environments`, { name: 'staging' })).body;
      const keyId = (await asOwner<SshKeyDto>('POST', '/api/v1/ssh-keys', { name: 'warehouse' })).body.id;
      const server = (await asOwner<ServerDto>('POST', '/api/v1/servers', { name: 'warehouse-1', host: '192.0.2.40', sshKeyId: keyId })).body.id;
      await db.query(`UPDATE servers SET status = 'ready', host_key_fingerprint = 'SHA256:warehouse' WHERE id = $1`, [server]);
      const { database } = await create({ name: 'stock', environmentId: staging.id, serverId: server });

      const environment = await asOwner('DELETE', `/api/v1/environments/${staging.id}`);
      expect({ status: environment.status, detail: (environment.body as ProblemDetails).detail }).toEqual({
        status: 409,
        detail: 'The environment has 1 database(s): delete them first',
      });
      const wholeProject = await asOwner('DELETE', `/api/v1/projects/${project.id}`);
      expect({ status: wholeProject.status, detail: (wholeProject.body as ProblemDetails).detail }).toEqual({
        status: 409,
        detail: 'The project has 1 database(s): delete them first',
      });
      const theServer = await asOwner('DELETE', `/api/v1/servers/${server}`);
      expect({ status: theServer.status, detail: (theServer.body as ProblemDetails).detail }).toEqual({
        status: 409,
        detail: 'The server runs 1 database(s): delete them first',
      });
      expect((await asOwner<DatabaseDto>('GET', `/api/v1/databases/${database.id}`)).status).toBe(200);

      // Once the worker removed the row, all three go.
      await db.query('DELETE FROM databases WHERE id = $1', [database.id]);
      expect((await asOwner('DELETE', `/api/v1/environments/${staging.id}`)).status).toBe(204);
      expect((await asOwner('DELETE', `/api/v1/projects/${project.id}`)).status).toBe(204);
      expect((await asOwner('DELETE', `/api/v1/servers/${server}`)).status).toBe(204);
    });
  });

  it('answers 404 to another team for every database route, and 400 for its ids in a body', async () => {
    const { database, operation } = await create({ name: 'team-a-only' });
    const other = (await asOwner<{ teamId: string }>('POST', '/api/v1/teams', { name: 'Other team' })).body.teamId;
    const path = `/api/v1/databases/${database.id}`;
    const routes: [string, string][] = [
      ['GET', path],
      ['PATCH', path],
      ['DELETE', path],
      ['POST', `${path}/start`],
      ['GET', `${path}/credentials`],
      ['GET', `${path}/operations`],
      ['GET', `${path}/operations/${operation.id}`],
      ['GET', `${path}/logs`],
      ['GET', `${path}/stats`],
    ];
    const outsider = (await joinTeam(call, { accessToken: suite.owner.accessToken, teamId: other }, 'outsider@example.com', Role.Owner)).accessToken;
    for (const [method, route] of routes) {
      const r = await call(method, route, outsider, method === 'PATCH' ? { name: 'stolen' } : undefined, { [TEAM_HEADER]: other });
      expect({ route: `${method} ${route}`, status: r.status }).toEqual({ route: `${method} ${route}`, status: 404 });
    }
    const inOther = await call('POST', '/api/v1/databases', outsider, body({ name: 'stolen' }), { [TEAM_HEADER]: other });
    expect({ status: inOther.status, fields: fieldsOf(inOther) }).toEqual({ status: 400, fields: ['environmentId', 'serverId'] });
  });
  // Last: from here on a worker runs, with the test server (the local engine behind the test sshd).
  describe('on a server, with the worker', () => {
    beforeAll(async () => {
      // Nothing queued so far may reach the made-up servers, nor may their checks.
      await finishOperations();
      await db.query(`UPDATE servers SET status = 'pending' WHERE host LIKE '192.0.2.%'`);
      await suite.stack.restartWorker();
    });

    it('creates a PostgreSQL database that reaches running, answers its URL, shows its logs and stats, is found unhealthy once killed and running once started, and deletes it with its data', async () => {
      const server = await readyTestServer(asOwner, { name: 'engines', checkIntervalSeconds: 5 });
      const { database, operation } = await create({ name: 'real-pg', serverId: server.id, image: 'zpanel-test/postgres:15' });
      const socket = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
      sockets.push(socket);
      const live = await liveSubscribe<DatabaseOperationLiveEvent>(socket, { kind: 'database-operation', operationId: operation.id });
      const path = `/api/v1/databases/${database.id}`;

      const settled = await waitFor(
        async () => {
          const current = (await asOwner<DatabaseDto>('GET', path)).body;
          return current.status === 'creating' ? undefined : current;
        },
        180_000,
        'the database to be created',
        500,
      );
      const done = (await asOwner<DatabaseOperationWithLogDto>('GET', `${path}/operations/${operation.id}`)).body;
      expect({ status: settled.status, reason: settled.statusReason, operation: done.status, log: done.log }).toEqual({
        status: 'running',
        reason: null,
        operation: 'success',
        log: expect.any(String),
      });
      await waitFor(
        async () => (live.events.some((e) => e.event.type === 'status' && e.event.status === 'success') ? true : undefined),
        10_000,
        'the success event',
      );

      // The internal URL works on the server's Zpanel network (here from inside the container itself).
      const credentials = (await asOwner<DatabaseCredentialsDto>('GET', `${path}/credentials`)).body;
      expect(done.log).not.toContain(credentials.password);
      expect(dockerCli('exec', database.internalHost, 'psql', credentials.internalUrl, '-Atc', 'SELECT current_user')).toBe('real_pg');

      const logs = await asOwner<{ stdout: string; stderr: string }>('GET', `${path}/logs?tail=500`);
      expect(logs.status).toBe(200);
      expect(`${logs.body.stdout}${logs.body.stderr}`).toContain('ready to accept connections');
      const stats = await waitFor(
        async () => {
          const current = (await asOwner<DatabaseStatsDto>('GET', `${path}/stats`)).body;
          return current.sampledAt === null ? undefined : current;
        },
        30_000,
        'a server check to sample the database',
        500,
      );
      expect(stats.memoryBytes).toBeGreaterThan(0);

      // Killed behind Zpanel's back: the server's next check says so (docs/databases.md, "Status"), and
      // says it runs again once someone started it and the engine answers.
      dockerCli('kill', database.internalHost);
      // A check whose probe ran as the kill landed may first say the engine does not answer (the probe's
      // exec died with the container, and Docker still called it running); the next one says it stopped.
      const sick = await waitFor(
        async () => {
          const current = (await asOwner<DatabaseDto>('GET', path)).body;
          return current.status === 'unhealthy' && current.statusReasonCode === 'database.container_exited' ? current : undefined;
        },
        30_000,
        'a server check to find the container killed',
        500,
      );
      expect(sick).toMatchObject({ statusReasonCode: 'database.container_exited', statusReason: expect.stringContaining('exit code 137') });
      dockerCli('start', database.internalHost);
      const recovered = await waitFor(
        async () => {
          const current = (await asOwner<DatabaseDto>('GET', path)).body;
          return current.status === 'running' ? current : undefined;
        },
        30_000,
        'a server check to find the engine answering again',
        500,
      );
      expect(recovered).toMatchObject({ statusReason: null, statusReasonCode: null });

      const deleted = await asOwner<DatabaseOperationQueuedResponse>('DELETE', `${path}?deleteData=true`);
      expect(deleted.status).toBe(202);
      await waitFor(async () => ((await asOwner('GET', path)).status === 404 ? true : undefined), 60_000, 'the database to be deleted', 500);
      expect((await asOwner<DatabaseOperationWithLogDto>('GET', `${path}/operations/${deleted.body.operation.id}`)).body.status).toBe('success');
      expect(dockerCli('ps', '-aq', '--filter', `name=${database.internalHost}`)).toBe('');
      expect(dockerCli('volume', 'ls', '-q', '--filter', `name=${database.internalHost}`)).toBe('');
    }, 300_000);
  });
});
