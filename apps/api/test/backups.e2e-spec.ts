import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import {
  AuditAction,
  type AuditEventDto,
  type BackupDownloadDto,
  type BackupDto,
  type BackupWithLogDto,
  type CreateDatabaseResponse,
  type CreatedApiTokenResponse,
  type DatabaseDto,
  type EnvironmentDto,
  type Paginated,
  type ProblemDetails,
  type ProjectDto,
  type RestoreDto,
  type RestoreWithLogDto,
  Role,
  type ServerDto,
  type SshKeyDto,
  TEAM_HEADER,
  type VolumeDto,
} from '@zpanel/contracts';
import { SecretBox, backupDataKeyId, newBackupDataKey, sealBackupDataKey } from '@zpanel/core';
import { joinTeam, useOwnedStack } from '@zpanel/testing';
import { Client } from 'pg';

const UPLOAD_MAX = 65_536;

/** A custom-format pg_dump archive's shape: PGDMP, version 1.14.0, int size 4, offset size 8, format 1 (custom), ..., a zero-length block. */
const pgDump = (size = 3_000) =>
  Buffer.concat([Buffer.from('PGDMP'), Buffer.from([1, 14, 0, 4, 8, 1]), randomBytes(size), Buffer.from([7]), Buffer.alloc(5)]);

/**
 * Backups and restores through the built API without a worker: runs stay queued (tests that need a
 * finished one finish it in the table, as the worker would), so 409s for runs in flight are certain
 * and nothing reaches a server or a bucket.
 */
const suite = useOwnedStack({ env: { BACKUP_UPLOAD_MAX_BYTES: String(UPLOAD_MAX) } });

describe('backups (built api)', () => {
  const { asOwner, call } = suite;
  let db: Client;
  let serverId: string;
  let environmentId: string;
  let databaseId: string;
  let redisId: string;
  /** Uploads go to their own database: the restores tests leave a restore queued into main-db. */
  let ordersId: string;
  let redisBackupId: string;
  let volumeId: string;
  let destinationId: string;
  let otherTeam: { accessToken: string; teamId: string; destinationId: string; databaseId: string };
  let viewer: string;
  let readToken: string;

  const fieldsOf = (r: { body: unknown }) => [...new Set(((r.body as ProblemDetails).errors ?? []).map((e) => e.field))];
  const counts = async () => {
    const result = await db.query(
      `SELECT (SELECT count(*)::int FROM backups WHERE team_id = $1) AS backups, (SELECT count(*)::int FROM restores WHERE team_id = $1) AS restores`,
      [suite.owner.teamId],
    );
    return result.rows[0] as { backups: number; restores: number };
  };
  const addDestination = async (teamId: string, name: string) => {
    const box = new SecretBox(Buffer.from(suite.stack.env.ZPANEL_SECRET_KEY, 'base64'));
    const id = randomUUID();
    const key = newBackupDataKey();
    await db.query(
      `INSERT INTO backup_destinations (id, team_id, name, kind, server_id, path, data_key, data_key_id)
       SELECT $1, $2, $3, 'server', s.id, '/srv/backups', $4, $5 FROM servers s WHERE s.team_id = $2 LIMIT 1`,
      [id, teamId, name, sealBackupDataKey(box, id, key), backupDataKeyId(key)],
    );
    return id;
  };
  /** What the worker leaves once a backup is stored and checked. */
  const succeed = (backupId: string) =>
    db.query(
      `UPDATE backups SET status = 'succeeded', started_at = now() - interval '5 seconds', finished_at = now(), size_bytes = 1234, dump_bytes = 4000,
         sha256 = repeat('ab', 32), compression = 'zstd', location = team_id || '/database-' || database_id || '/2026-12-07-030000-' || id || '.zpbk',
         log = 'stored' WHERE id = $1`,
      [backupId],
    );
  const backUp = (id = databaseId, body: Record<string, unknown> = { destinationId }) =>
    asOwner<BackupDto>('POST', `/api/v1/databases/${id}/backups`, body);
  const upload = (body: Buffer | ReadableStream, query: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${suite.stack.baseUrl}/api/v1/databases/${ordersId}/restores/upload?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${suite.owner.accessToken}`, 'content-type': 'application/octet-stream', ...headers },
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit).then(async (r) => ({ status: r.status, body: (await r.json()) as ProblemDetails }));

  beforeAll(async () => {
    db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    const keyId = (await asOwner<SshKeyDto>('POST', '/api/v1/ssh-keys', { name: 'deploy' })).body.id;
    serverId = (await asOwner<ServerDto>('POST', '/api/v1/servers', { name: 'db-1', host: '192.0.2.10', sshKeyId: keyId })).body.id;
    await db.query(`UPDATE servers SET status = 'ready', host_key_fingerprint = 'SHA256:backups' WHERE id = $1`, [serverId]);
    const projectId = (await asOwner<ProjectDto>('POST', '/api/v1/projects', { name: 'Shop' })).body.id;
    environmentId = (await asOwner<Paginated<EnvironmentDto>>('GET', `/api/v1/projects/${projectId}/environments`)).body.items[0].id;
    const createDb = async (name: string, engine: string) =>
      (await asOwner<CreateDatabaseResponse>('POST', '/api/v1/databases', { environmentId, serverId, name, engine })).body.database.id;
    databaseId = await createDb('main-db', 'postgresql');
    redisId = await createDb('cache', 'redis');
    ordersId = await createDb('orders', 'postgresql');
    const applicationId = (
      await asOwner<{ id: string }>('POST', '/api/v1/applications', {
        environmentId,
        serverId,
        name: 'shop',
        buildPack: 'image',
        imageReference: 'nginx:1.27',
        port: 80,
      })
    ).body.id;
    volumeId = (await asOwner<VolumeDto>('POST', `/api/v1/applications/${applicationId}/volumes`, { name: 'data', mountPath: '/data' })).body.id;
    destinationId = await addDestination(suite.owner.teamId, 'local');
    viewer = (await joinTeam(call, suite.owner, 'viewer@example.com', Role.Viewer)).accessToken;
    readToken = (
      await asOwner<CreatedApiTokenResponse>('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, { name: 'read', abilities: ['read'] })
    ).body.token;

    // Another team with a server, a database and a destination of its own.
    const side = (await call<{ teamId: string }>('POST', '/api/v1/teams', suite.owner.accessToken, { name: 'Other' })).body;
    const outsider = await joinTeam(call, { accessToken: suite.owner.accessToken, teamId: side.teamId }, 'outsider@example.com', Role.Owner);
    const theirs = await call<{ teamId: string }>('POST', '/api/v1/teams', outsider.accessToken, { name: 'Theirs' });
    const teamB = theirs.body.teamId;
    const asB = <T>(method: string, path: string, body?: unknown) => call<T>(method, path, outsider.accessToken, body, { [TEAM_HEADER]: teamB });
    const keyB = (await asB<SshKeyDto>('POST', '/api/v1/ssh-keys', { name: 'b' })).body.id;
    const serverB = (await asB<ServerDto>('POST', '/api/v1/servers', { name: 'b-1', host: '192.0.2.30', sshKeyId: keyB })).body.id;
    await db.query(`UPDATE servers SET status = 'ready', host_key_fingerprint = 'SHA256:b' WHERE id = $1`, [serverB]);
    const projectB = (await asB<ProjectDto>('POST', '/api/v1/projects', { name: 'B' })).body.id;
    const environmentB = (await asB<Paginated<EnvironmentDto>>('GET', `/api/v1/projects/${projectB}/environments`)).body.items[0].id;
    const databaseB = (
      await asB<CreateDatabaseResponse>('POST', '/api/v1/databases', {
        environmentId: environmentB,
        serverId: serverB,
        name: 'b-db',
        engine: 'postgresql',
      })
    ).body.database.id;
    otherTeam = { accessToken: outsider.accessToken, teamId: teamB, destinationId: await addDestination(teamB, 'b-local'), databaseId: databaseB };
  });
  afterAll(() => db?.end());

  it('documents every backups route with a summary and a success answer', async () => {
    const doc = (await (await fetch(`${suite.stack.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>;
    };
    const routes = Object.entries(doc.paths)
      .filter(([path]) => /^\/api\/v1\/(backups|restores)|^\/api\/v1\/(databases|volumes)\/[^/]+\/(backups|restores\/upload)$/.test(path))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    expect(routes.map((r) => r.route).sort()).toEqual(
      [
        'GET /api/v1/backups',
        'GET /api/v1/backups/{backupId}',
        'DELETE /api/v1/backups/{backupId}',
        'POST /api/v1/backups/{backupId}/cancel',
        'POST /api/v1/backups/{backupId}/verify',
        'POST /api/v1/backups/{backupId}/restores',
        'GET /api/v1/backups/{backupId}/download',
        'GET /api/v1/backups/{backupId}/download/file',
        'POST /api/v1/databases/{databaseId}/backups',
        'POST /api/v1/databases/{databaseId}/restores/upload',
        'POST /api/v1/volumes/{volumeId}/backups',
        'GET /api/v1/restores',
        'GET /api/v1/restores/{restoreId}',
      ].sort(),
    );
    for (const { route, op } of routes) {
      expect({ route, summary: Boolean(op.summary), success: Object.keys(op.responses).some((s) => /^2/.test(s)) }).toEqual({
        route,
        summary: true,
        success: true,
      });
    }
  });

  it('documents the upload’s query: where it is kept, and a backup’s restore (same or new) with what each takes', async () => {
    const doc = (await (await fetch(`${suite.stack.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { parameters: { name: string; in: string; required?: boolean; schema?: { enum?: string[] } }[] }>>;
    };
    const query = doc.paths['/api/v1/databases/{databaseId}/restores/upload'].post.parameters.filter((p) => p.in === 'query');
    expect(
      query.map((p) => ({ name: p.name, required: p.required ?? false, enum: p.schema?.enum })).sort((a, b) => a.name.localeCompare(b.name)),
    ).toEqual([
      { name: 'confirmName', required: false, enum: undefined },
      { name: 'destinationId', required: true, enum: undefined },
      { name: 'newDatabaseName', required: false, enum: undefined },
      { name: 'target', required: false, enum: ['same', 'new'] },
    ]);
  });

  describe('back up now', () => {
    it('refuses bad ids and bodies with a 400 naming the field, and creates nothing', async () => {
      const before = await counts();
      expect(fieldsOf(await asOwner('POST', '/api/v1/databases/not-a-uuid/backups', { destinationId }))).toEqual(['databaseId']);
      expect(fieldsOf(await backUp(databaseId, {}))).toEqual(['destinationId']);
      expect(fieldsOf(await backUp(databaseId, { destinationId: 'x' }))).toEqual(['destinationId']);
      expect(fieldsOf(await backUp(databaseId, { destinationId, verify: 'yes' }))).toEqual(['verify']);
      expect(fieldsOf(await backUp(databaseId, { destinationId, extra: 1 }))).toEqual(['extra']);
      // Another team's destination is one that does not exist.
      const theirs = await backUp(databaseId, { destinationId: otherTeam.destinationId });
      expect({ status: theirs.status, fields: fieldsOf(theirs) }).toEqual({ status: 400, fields: ['destinationId'] });
      expect(await counts()).toEqual(before);
    });

    it('queues a backup (202), audited, and refuses a second of the same source while it is queued (409)', async () => {
      const first = await backUp(redisId);
      expect(first.status).toBe(202);
      redisBackupId = first.body.id;
      expect(first.body).toMatchObject({
        sourceKind: 'database',
        databaseId: redisId,
        volumeId: null,
        destinationId,
        trigger: 'manual',
        status: 'queued',
        engine: 'redis',
        verification: 'none',
        sizeBytes: null,
      });
      const second = await backUp(redisId);
      expect(second.status).toBe(409);
      // Another source is not held up.
      expect((await asOwner<BackupDto>('POST', `/api/v1/volumes/${volumeId}/backups`, { destinationId, verify: false })).body).toMatchObject({
        sourceKind: 'volume',
        volumeId,
        databaseId: null,
        status: 'queued',
      });
      expect((await asOwner('POST', `/api/v1/volumes/${volumeId}/backups`, { destinationId })).status).toBe(409);
      const audit = await asOwner<Paginated<AuditEventDto>>('GET', `/api/v1/audit-events?action=${AuditAction.BackupRequested}`);
      expect(audit.body.items.map((e) => e.target?.id)).toContain(first.body.id);
    });

    it('answers 403 to a viewer and a read token, 404 for another team’s database or volume', async () => {
      expect((await call('POST', `/api/v1/databases/${databaseId}/backups`, viewer, { destinationId })).status).toBe(403);
      expect((await call('POST', `/api/v1/databases/${databaseId}/backups`, readToken, { destinationId })).status).toBe(403);
      expect((await backUp(otherTeam.databaseId)).status).toBe(404);
      expect(
        (await call('POST', `/api/v1/volumes/${volumeId}/backups`, otherTeam.accessToken, { destinationId: otherTeam.destinationId })).status,
      ).toBe(404);
    });
  });

  describe('history, cancel, delete', () => {
    let backupId: string;
    beforeAll(async () => {
      backupId = (await backUp()).body.id;
    });

    it('lists newest first with filters, reads one with its log, and hides them from another team', async () => {
      const all = await asOwner<Paginated<BackupDto>>('GET', '/api/v1/backups?perPage=100');
      expect(all.body.items[0].id).toBe(backupId);
      expect(all.body.items.every((b) => b.teamId === suite.owner.teamId)).toBe(true);
      const ofDatabase = await asOwner<Paginated<BackupDto>>('GET', `/api/v1/backups?databaseId=${databaseId}&status=queued`);
      expect(ofDatabase.body.items.map((b) => b.id)).toEqual([backupId]);
      expect(
        (await asOwner<Paginated<BackupDto>>('GET', `/api/v1/backups?volumeId=${volumeId}`)).body.items.every((b) => b.volumeId === volumeId),
      ).toBe(true);
      expect(fieldsOf(await asOwner('GET', '/api/v1/backups?status=done'))).toEqual(['status']);
      expect(fieldsOf(await asOwner('GET', '/api/v1/backups?databaseId=1'))).toEqual(['databaseId']);
      const one = await asOwner<BackupWithLogDto>('GET', `/api/v1/backups/${backupId}`);
      expect(one.body).toMatchObject({ id: backupId, log: '' });
      expect((await call('GET', `/api/v1/backups/${backupId}`, otherTeam.accessToken)).status).toBe(404);
      const theirs = await call<Paginated<BackupDto>>('GET', '/api/v1/backups', otherTeam.accessToken, undefined, {
        [TEAM_HEADER]: otherTeam.teamId,
      });
      expect(theirs.body.items.map((b) => b.id)).not.toContain(backupId);
    });

    it('refuses to delete a queued backup, cancels it at once, then deletes its row (it stored nothing)', async () => {
      expect((await asOwner('DELETE', `/api/v1/backups/${backupId}`)).status).toBe(409);
      expect((await call('POST', `/api/v1/backups/${backupId}/cancel`, otherTeam.accessToken)).status).toBe(404);
      expect((await call('POST', `/api/v1/backups/${backupId}/cancel`, viewer)).status).toBe(403);
      const cancelled = await asOwner<BackupDto>('POST', `/api/v1/backups/${backupId}/cancel`);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', reasonCode: 'backup.cancelled' });
      expect((await asOwner('POST', `/api/v1/backups/${backupId}/cancel`)).status).toBe(409);
      expect((await call('DELETE', `/api/v1/backups/${backupId}`, otherTeam.accessToken)).status).toBe(404);
      expect((await asOwner('DELETE', `/api/v1/backups/${backupId}`)).status).toBe(204);
      expect((await asOwner('GET', `/api/v1/backups/${backupId}`)).status).toBe(404);
      const audit = await asOwner<Paginated<AuditEventDto>>('GET', `/api/v1/audit-events?action=${AuditAction.BackupDeleted}`);
      expect(audit.body.items.map((e) => e.target?.id)).toContain(backupId);
    });
  });

  describe('restores', () => {
    let backupId: string;
    beforeAll(async () => {
      const queued = await backUp();
      expect(queued.status).toBe(202);
      backupId = queued.body.id;
    });

    it('restores only a succeeded backup', async () => {
      expect((await asOwner('POST', `/api/v1/backups/${backupId}/verify`)).status).toBe(409);
      await succeed(backupId);
    });

    it('over the same database needs its name typed again (400 naming confirmName, nothing queued)', async () => {
      const before = await counts();
      for (const body of [{ target: 'same' }, { target: 'same', confirmName: 'main-db ' }, { target: 'same', confirmName: 'cache' }]) {
        const r = await asOwner(`POST`, `/api/v1/backups/${backupId}/restores`, body);
        expect({ body, status: r.status, fields: fieldsOf(r) }).toEqual({ body, status: 400, fields: ['confirmName'] });
      }
      expect(fieldsOf(await asOwner('POST', `/api/v1/backups/${backupId}/restores`, { target: 'over' }))).toEqual(['target']);
      expect(fieldsOf(await asOwner('POST', `/api/v1/backups/${backupId}/restores`, { target: 'new' }))).toEqual(['newDatabaseName']);
      expect(fieldsOf(await asOwner('POST', `/api/v1/backups/${backupId}/restores`, { target: 'new', newDatabaseName: '../x' }))).toEqual([
        'newDatabaseName',
      ]);
      expect(await counts()).toEqual(before);

      const same = await asOwner<RestoreDto>('POST', `/api/v1/backups/${backupId}/restores`, { target: 'same', confirmName: 'main-db' });
      expect(same.status).toBe(202);
      expect(same.body).toMatchObject({ backupId, target: 'same', databaseId, status: 'queued' });
      // One restore into a database at a time.
      expect((await asOwner('POST', `/api/v1/backups/${backupId}/restores`, { target: 'same', confirmName: 'main-db' })).status).toBe(409);
      const read = await asOwner<RestoreWithLogDto>('GET', `/api/v1/restores/${same.body.id}`);
      expect(read.body).toMatchObject({ id: same.body.id, log: '' });
      expect((await call('GET', `/api/v1/restores/${same.body.id}`, otherTeam.accessToken)).status).toBe(404);
      // A backup being read by a restore is kept.
      expect((await asOwner('DELETE', `/api/v1/backups/${backupId}`)).status).toBe(409);
    });

    it('into a new database creates it in the source’s environment and server, with its create operation', async () => {
      const created = await asOwner<RestoreDto>('POST', `/api/v1/backups/${backupId}/restores`, { target: 'new', newDatabaseName: 'main-db-copy' });
      expect(created.status).toBe(202);
      const database = (await asOwner<DatabaseDto>('GET', `/api/v1/databases/${created.body.databaseId}`)).body;
      expect(database).toMatchObject({ name: 'main-db-copy', environmentId, serverId, engine: 'postgresql', status: 'creating' });
      const operations = await asOwner<Paginated<{ kind: string }>>('GET', `/api/v1/databases/${database.id}/operations`);
      expect(operations.body.items.map((o) => o.kind)).toEqual(['create']);
      // The name is the environment's: taken, it is the databases' 409 naming the field.
      const taken = await asOwner('POST', `/api/v1/backups/${backupId}/restores`, { target: 'new', newDatabaseName: 'main-db' });
      expect({ status: taken.status, fields: fieldsOf(taken) }).toEqual({ status: 409, fields: ['name'] });
    });

    it('queues a verification, lists restores with filters, and audits them', async () => {
      const verify = await asOwner<RestoreDto>('POST', `/api/v1/backups/${backupId}/verify`);
      expect(verify.status).toBe(202);
      expect(verify.body).toMatchObject({ target: 'verify', databaseId: null, status: 'queued' });
      const listed = await asOwner<Paginated<RestoreDto>>('GET', `/api/v1/restores?backupId=${backupId}`);
      expect(listed.body.items.map((r) => r.target).sort()).toEqual(['new', 'same', 'verify']);
      expect(listed.body.items[0].id).toBe(verify.body.id);
      const theirs = await call<Paginated<RestoreDto>>('GET', '/api/v1/restores', otherTeam.accessToken, undefined, {
        [TEAM_HEADER]: otherTeam.teamId,
      });
      expect(theirs.body.total).toBe(0);
      const audit = await asOwner<Paginated<AuditEventDto>>('GET', `/api/v1/audit-events?action=${AuditAction.RestoreRequested}`);
      expect(audit.body.items.map((e) => e.target?.id)).toContain(verify.body.id);
    });

    it('gives a short-lived signed link for a server destination (read:sensitive, audited); a bad or foreign link is a 404', async () => {
      expect((await call('GET', `/api/v1/backups/${backupId}/download`, readToken)).status).toBe(403);
      expect((await call('GET', `/api/v1/backups/${backupId}/download`, otherTeam.accessToken)).status).toBe(404);
      const link = await asOwner<BackupDownloadDto>('GET', `/api/v1/backups/${backupId}/download`);
      expect(link.status).toBe(200);
      expect(link.body.url).toMatch(new RegExp(`^/api/v1/backups/${backupId}/download/file\\?token=`));
      expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
      expect(link.body.fileName).toMatch(/\.zpbk$/);
      const token = new URL(link.body.url, suite.stack.baseUrl).searchParams.get('token') as string;
      // The link names its backup: another id, or no token, or an altered one, is the same 404.
      for (const path of [
        `/api/v1/backups/${redisBackupId}/download/file?token=${token}`,
        `/api/v1/backups/${randomUUID()}/download/file?token=${token}`,
        `/api/v1/backups/${backupId}/download/file`,
        `/api/v1/backups/${backupId}/download/file?token=${token.slice(0, -2)}xx`,
      ]) {
        expect({ path, status: (await call('GET', path)).status }).toEqual({ path, status: 404 });
      }
      const audit = await asOwner<Paginated<AuditEventDto>>('GET', `/api/v1/audit-events?action=${AuditAction.BackupDownloaded}`);
      expect(audit.body.items.map((e) => e.target?.id)).toContain(backupId);
    });
  });

  describe('restore from an uploaded dump', () => {
    const query = () => ({ destinationId, confirmName: 'orders' });

    it('refuses what is not a whole dump of the engine with a 4xx naming the field, and keeps nothing', async () => {
      const before = await counts();
      const cases: [string, Promise<{ status: number; body: ProblemDetails }>, number, string][] = [
        ['not a dump', upload(Buffer.from('-- PostgreSQL database dump\nCREATE TABLE t ();\n'), query()), 400, 'body'],
        ['an RDB for PostgreSQL', upload(Buffer.concat([Buffer.from('REDIS0010'), randomBytes(100)]), query()), 400, 'body'],
        ['empty', upload(Buffer.alloc(0), query()), 400, 'body'],
        ['JSON', upload(Buffer.from('{}'), query(), { 'content-type': 'application/json' }), 400, 'body'],
        ['cut short', upload(pgDump().subarray(0, 2_500), query()), 400, 'body'],
        ['too large', upload(pgDump(UPLOAD_MAX + 10), query()), 413, 'body'],
        ['wrong name', upload(pgDump(), { ...query(), confirmName: 'cache' }), 400, 'confirmName'],
        ['no name', upload(pgDump(), { destinationId }), 400, 'confirmName'],
        ['another team’s destination', upload(pgDump(), { ...query(), destinationId: otherTeam.destinationId }), 400, 'destinationId'],
      ];
      for (const [what, answer, status, field] of cases) {
        const r = await answer;
        expect({ what, status: r.status, fields: fieldsOf(r) }).toEqual({ what, status, fields: [field] });
      }
      expect(await counts()).toEqual(before);
    });

    it('refuses a streamed body past BACKUP_UPLOAD_MAX_BYTES (no length announced) and keeps nothing', async () => {
      const before = await counts();
      const chunks = [pgDump(1_000), ...Array.from({ length: 10 }, () => randomBytes(10_000))];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      });
      const r = await upload(stream, query());
      expect({ status: r.status, fields: fieldsOf(r) }).toEqual({ status: 413, fields: ['body'] });
      expect(await counts()).toEqual(before);
    });

    it('drops an upload whose connection ends before its announced length', async () => {
      const before = await counts();
      const { port, hostname } = new URL(suite.stack.baseUrl);
      const head = pgDump(2_000);
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ port: Number(port), host: hostname }, () => {
          socket.write(
            `POST /api/v1/databases/${ordersId}/restores/upload?${new URLSearchParams(query())} HTTP/1.1\r\nHost: ${hostname}\r\n` +
              `Authorization: Bearer ${suite.owner.accessToken}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${head.length + 20_000}\r\n\r\n`,
          );
          socket.write(head, () => setTimeout(() => socket.destroy(), 300));
        });
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
      // The API sees the cut after the client left: wait for it to clean up.
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && JSON.stringify(await counts()) !== JSON.stringify(before)) await new Promise((r) => setTimeout(r, 200));
      expect(await counts()).toEqual(before);
    });

    it('answers 404 for another team’s database and 403 to a viewer', async () => {
      const r = await fetch(`${suite.stack.baseUrl}/api/v1/databases/${otherTeam.databaseId}/restores/upload?${new URLSearchParams(query())}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${suite.owner.accessToken}`, 'content-type': 'application/octet-stream' },
        body: pgDump(),
      });
      expect(r.status).toBe(404);
      const v = await fetch(`${suite.stack.baseUrl}/api/v1/databases/${ordersId}/restores/upload?${new URLSearchParams(query())}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/octet-stream' },
        body: pgDump(),
      });
      expect(v.status).toBe(403);
    });
  });
});
