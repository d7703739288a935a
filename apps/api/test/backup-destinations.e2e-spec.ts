import { randomUUID } from 'node:crypto';
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditEventDto,
  type BackupDestinationDto,
  type BackupDestinationKeyDto,
  type BackupScheduleDto,
  type Paginated,
  type ProblemDetails,
  Role,
  type ServerDto,
  TEAM_HEADER,
  type TeamMembershipDto,
} from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import { Client } from 'pg';
import { DisposableS3Server, joinTeam, readyTestServer, useOwnedStack } from '@zpanel/testing';

/**
 * Backup destinations and schedules through the built API and worker: field rules with hostile
 * values (400 naming the field, nothing saved), the storage's own words when a real S3 server or the
 * test server refuses the check, secrets never returned, the data key revealed with read:sensitive
 * and audited, tenancy, and a destination in use kept (409).
 */
describe('backup destinations and schedules (built api + worker, a real S3 server, the test server)', () => {
  const suite = useOwnedStack({ worker: true });
  const { asOwner } = suite;
  const canary = join(tmpdir(), `zp-canary-backups-${randomUUID()}`);
  let s3: DisposableS3Server;
  let server: ServerDto;
  let root: string;

  const fieldsOf = (body: ProblemDetails) => [...new Set(body.errors?.map((e) => e.field))].join();
  const destinations = async () => (await asOwner<BackupDestinationDto[]>('GET', '/api/v1/backup-destinations')).body;
  const s3Body = (overrides: Record<string, unknown> = {}) => ({ kind: 's3', name: `s3-${randomUUID().slice(0, 8)}`, ...s3.settings, ...overrides });

  beforeAll(async () => {
    s3 = await DisposableS3Server.start();
    root = await realpath(await mkdtemp(join(tmpdir(), 'zp-e2e-backups-')));
    server = await readyTestServer(asOwner);
    expect((await asOwner('PUT', `/api/v1/servers/${server.id}/allowed-bind-roots`, { allowedBindRoots: [root] })).status).toBe(200);
  });
  afterAll(async () => {
    await s3?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('saves an S3 destination once the storage took a write, a read and a delete; never returns its secret', async () => {
    const created = await asOwner<BackupDestinationDto>('POST', '/api/v1/backup-destinations', s3Body({ name: 'offsite', prefix: 'prod/db' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 's3',
      name: 'offsite',
      bucket: s3.bucket,
      prefix: 'prod/db',
      forcePathStyle: true,
      backupCount: 0,
      serverId: null,
    });
    expect(created.body.keyId).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(created.body)).not.toContain(s3.secretAccessKey);
    expect(JSON.stringify(await destinations())).not.toContain(s3.secretAccessKey);

    const check = await asOwner<{ ok: boolean; error: string | null }>('POST', `/api/v1/backup-destinations/${created.body.id}/check`);
    expect(check.body).toMatchObject({ ok: true, error: null });

    // A rename needs no check; a taken name is a 409 naming the field.
    expect((await asOwner<BackupDestinationDto>('PATCH', `/api/v1/backup-destinations/${created.body.id}`, { name: 'offsite-2' })).body.name).toBe(
      'offsite-2',
    );
    const taken = await asOwner<ProblemDetails>('POST', '/api/v1/backup-destinations', s3Body({ name: 'offsite-2' }));
    expect([taken.status, fieldsOf(taken.body)]).toEqual([409, 'name']);
  });

  it("answers 400 with the storage's own words when the check fails, and saves nothing", async () => {
    const before = await destinations();
    const wrongSecret = await asOwner<ProblemDetails>('POST', '/api/v1/backup-destinations', s3Body({ secretAccessKey: 'not-the-secret' }));
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body.detail).toMatch(/failed its check: .*(signature|SignatureDoesNotMatch|Access Denied|AccessDenied)/i);
    expect(wrongSecret.body.detail).not.toContain('not-the-secret');
    const noBucket = await asOwner<ProblemDetails>('POST', '/api/v1/backup-destinations', s3Body({ bucket: 'no-such-bucket' }));
    expect(noBucket.status).toBe(400);
    expect(noBucket.body.detail).toMatch(/bucket/i);
    expect(await destinations()).toEqual(before);

    // A saved destination's settings changed to ones the storage refuses: 400, the old settings kept.
    const saved = (await asOwner<BackupDestinationDto>('POST', '/api/v1/backup-destinations', s3Body())).body;
    const refused = await asOwner<ProblemDetails>('PATCH', `/api/v1/backup-destinations/${saved.id}`, { bucket: 'another-bucket' });
    expect(refused.status).toBe(400);
    expect((await asOwner<BackupDestinationDto>('GET', `/api/v1/backup-destinations/${saved.id}`)).body.bucket).toBe(s3.bucket);
  });

  it('refuses endpoints, buckets, prefixes, regions and keys off their rules with a 400 naming the field', async () => {
    const before = await destinations();
    const hostile = injectionPayloads(canary);
    const cases: [string, unknown[]][] = [
      [
        'endpoint',
        [
          ...hostile,
          '',
          'ftp://127.0.0.1',
          'http://user:pw@127.0.0.1:9000',
          'http://127.0.0.1:9000/path',
          'http://127.0.0.1:9000?x=1',
          'http://[::1',
          5,
        ],
      ],
      ['bucket', [...hostile, '', 'ab', 'UPPER', 'a..b', 'a.-b', '192.168.1.1', 'xn--bucket', `b${'x'.repeat(63)}`, '-bucket']],
      ['prefix', [...hostile, '/lead', 'trail/', 'a//b', '..', 'a/../b', '-flag', 'p'.repeat(201)]],
      ['region', ['US-EAST-1', 'us east', ';', 'r'.repeat(41)]],
      ['accessKeyId', ['', 'with space', 'k'.repeat(257), '\u00e9']],
    ];
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const [field, values] of cases) {
      for (const value of values) {
        const res = await asOwner<ProblemDetails>('POST', '/api/v1/backup-destinations', s3Body({ [field]: value }));
        outcomes.push(`${field} ${JSON.stringify(value).slice(0, 30)} ${res.status} ${fieldsOf(res.body)}`);
        expected.push(`${field} ${JSON.stringify(value).slice(0, 30)} 400 ${field}`);
      }
    }
    expect(outcomes).toEqual(expected);
    // Fields of the other kind, and missing ones.
    const mixed = await asOwner<ProblemDetails>('POST', '/api/v1/backup-destinations', s3Body({ path: root }));
    expect([mixed.status, fieldsOf(mixed.body)]).toEqual([400, 'path']);
    const missing = await asOwner<ProblemDetails>('POST', '/api/v1/backup-destinations', { kind: 's3', name: 'x' });
    expect([missing.status, fieldsOf(missing.body)]).toEqual([400, 'endpoint,bucket,accessKeyId,secretAccessKey']);
    // The address policy: a metadata address is refused whatever the test settings allow.
    const metadata = await asOwner<ProblemDetails>('POST', '/api/v1/backup-destinations', s3Body({ endpoint: 'http://169.254.169.254' }));
    expect([metadata.status, fieldsOf(metadata.body)]).toEqual([400, 'endpoint']);
    expect(await destinations()).toEqual(before);
    await expect(stat(canary)).rejects.toThrow();
  });

  it("saves a server directory under one of the server's allowed roots only, and only on the team's server", async () => {
    const before = await destinations();
    const outside = await asOwner<ProblemDetails>('POST', '/api/v1/backup-destinations', {
      kind: 'server',
      name: 'local',
      serverId: server.id,
      path: '/etc/zp',
    });
    expect([outside.status, fieldsOf(outside.body)]).toEqual([400, 'path']);
    for (const path of [...injectionPayloads(canary), 'relative', `${root}/../x`, '/']) {
      const res = await asOwner<ProblemDetails>('POST', '/api/v1/backup-destinations', { kind: 'server', name: 'local', serverId: server.id, path });
      expect(`${JSON.stringify(path).slice(0, 30)} ${res.status} ${fieldsOf(res.body)}`).toBe(`${JSON.stringify(path).slice(0, 30)} 400 path`);
    }
    const unknownServer = await asOwner<ProblemDetails>('POST', '/api/v1/backup-destinations', {
      kind: 'server',
      name: 'local',
      serverId: randomUUID(),
      path: root,
    });
    expect([unknownServer.status, fieldsOf(unknownServer.body)]).toEqual([400, 'serverId']);
    expect(await destinations()).toEqual(before);

    const created = await asOwner<BackupDestinationDto>('POST', '/api/v1/backup-destinations', {
      kind: 'server',
      name: 'local',
      serverId: server.id,
      path: root,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'server', serverId: server.id, path: root, endpoint: null, bucket: null });
    expect((await asOwner<{ ok: boolean }>('POST', `/api/v1/backup-destinations/${created.body.id}/check`)).body.ok).toBe(true);
    // A server that holds a destination cannot be deleted.
    expect((await asOwner('DELETE', `/api/v1/servers/${server.id}`)).status).toBe(409);
  });

  it('reveals the data key with read:sensitive only, and audits every read', async () => {
    const saved = (await asOwner<BackupDestinationDto>('POST', '/api/v1/backup-destinations', s3Body())).body;
    const key = await asOwner<BackupDestinationKeyDto>('GET', `/api/v1/backup-destinations/${saved.id}/key`);
    expect(key.status).toBe(200);
    expect(key.body.keyId).toBe(saved.keyId);
    expect(Buffer.from(key.body.key, 'base64')).toHaveLength(32);

    const viewer = await joinTeam(suite.call, suite.owner, `viewer-${randomUUID()}@example.com`, Role.Viewer);
    const refused = await suite.call<ProblemDetails>('GET', `/api/v1/backup-destinations/${saved.id}/key`, viewer.accessToken);
    expect(refused.status).toBe(403);
    expect((await suite.call('GET', `/api/v1/backup-destinations/${saved.id}`, viewer.accessToken)).status).toBe(200);

    const audit = await asOwner<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?perPage=100');
    const reveals = audit.body.items.filter((e) => e.action === 'backup_destination.key_revealed' && e.target?.id === saved.id);
    expect(reveals).toHaveLength(1);
    expect(JSON.stringify(audit.body)).not.toContain(key.body.key);
  });

  it('is the same 404 for another team as for an unknown id', async () => {
    const saved = (await asOwner<BackupDestinationDto>('POST', '/api/v1/backup-destinations', s3Body())).body;
    const other = (await asOwner<TeamMembershipDto>('POST', '/api/v1/teams', { name: 'Other team' })).body;
    const outsider = await joinTeam(
      suite.call,
      { accessToken: suite.owner.accessToken, teamId: other.teamId },
      `outsider-${randomUUID()}@example.com`,
      Role.Admin,
    );
    const inOther = await suite.call<BackupDestinationDto[]>('GET', '/api/v1/backup-destinations', outsider.accessToken, undefined, {
      [TEAM_HEADER]: other.teamId,
    });
    expect(inOther.body).toEqual([]);
    const theirs = await suite.call<ProblemDetails>('GET', `/api/v1/backup-destinations/${saved.id}`, outsider.accessToken);
    const unknown = await suite.call<ProblemDetails>('GET', `/api/v1/backup-destinations/${randomUUID()}`, outsider.accessToken);
    expect([theirs.status, theirs.body.detail]).toEqual([404, 'No such backup destination']);
    expect([unknown.status, unknown.body.detail]).toEqual([404, 'No such backup destination']);
    for (const [method, path] of [
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/check'],
      ['GET', '/key'],
    ]) {
      const res = await suite.call(
        method,
        `/api/v1/backup-destinations/${saved.id}${path}`,
        outsider.accessToken,
        method === 'PATCH' ? { name: 'mine' } : undefined,
      );
      expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 404`);
    }
    expect((await asOwner<BackupDestinationDto>('GET', `/api/v1/backup-destinations/${saved.id}`)).body.name).toBe(saved.name);
  });

  describe('schedules', () => {
    let databaseId: string;
    let destination: BackupDestinationDto;

    beforeAll(async () => {
      destination = (await asOwner<BackupDestinationDto>('POST', '/api/v1/backup-destinations', s3Body({ name: 'for-schedules' }))).body;
      const project = (await asOwner<{ id: string }>('POST', '/api/v1/projects', { name: 'Backed up' })).body;
      const environment = (await asOwner<Paginated<{ id: string }>>('GET', `/api/v1/projects/${project.id}/environments`)).body.items[0];
      // The row a create leaves (its container is not what these tests are about).
      const db = new Client({ connectionString: suite.stack.databaseUrl });
      await db.connect();
      databaseId = (
        await db.query(
          `INSERT INTO databases (team_id, environment_id, server_id, name, engine, image, database_name, user_name, password, status)
           VALUES ($1, $2, $3, 'orders', 'postgresql', 'postgres:17', 'orders', 'orders', 'sealed', 'running') RETURNING id`,
          [suite.owner.teamId, environment.id, server.id],
        )
      ).rows[0].id as string;
      await db.end();
    });

    const schedule = (overrides: Record<string, unknown> = {}) => ({
      databaseId,
      destinationId: destination.id,
      cron: '0 3 * * *',
      retentionCount: 7,
      ...overrides,
    });

    it('computes the next slot in the time zone and says the expression in words', async () => {
      const created = await asOwner<BackupScheduleDto>('POST', '/api/v1/backup-schedules', schedule({ timezone: 'Asia/Kolkata' }));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ sourceKind: 'database', databaseId, description: 'At 03:00', timezone: 'Asia/Kolkata', enabled: true });
      // 03:00 in Kolkata is 21:30 UTC.
      expect(created.body.nextRunAt).toMatch(/T21:30:00\.000Z$/);
      expect(new Date(created.body.nextRunAt as string).getTime()).toBeGreaterThan(Date.now());

      const disabled = await asOwner<BackupScheduleDto>('PATCH', `/api/v1/backup-schedules/${created.body.id}`, { enabled: false });
      expect(disabled.body).toMatchObject({ enabled: false, nextRunAt: null });
      const listed = await asOwner<Paginated<BackupScheduleDto>>('GET', `/api/v1/backup-schedules?databaseId=${databaseId}`);
      expect(listed.body.items.map((s) => s.id)).toContain(created.body.id);
    });

    it('refuses hostile cron expressions and time zones, no retention, and a source or destination that is not the team’s, naming the field', async () => {
      const { total } = (await asOwner<Paginated<BackupScheduleDto>>('GET', '/api/v1/backup-schedules')).body;
      const outcomes: string[] = [];
      const expected: string[] = [];
      const expect400 = async (body: Record<string, unknown>, field: string) => {
        const res = await asOwner<ProblemDetails>('POST', '/api/v1/backup-schedules', body);
        outcomes.push(`${JSON.stringify(body).slice(0, 60)} ${res.status} ${fieldsOf(res.body)}`);
        expected.push(`${JSON.stringify(body).slice(0, 60)} 400 ${field}`);
      };
      for (const cron of [...injectionPayloads(canary), '', '* * * * * *', '61 * * * *', '0 3 ? * *', '0 0 31 2 *', '@reboot', 5])
        await expect400(schedule({ cron }), 'cron');
      for (const timezone of [...injectionPayloads(canary), '', 'Mars/Base', '+01:00', 'UTC+1', 7])
        await expect400(schedule({ timezone }), 'timezone');
      await expect400(schedule({ retentionCount: null }), 'retentionCount');
      await expect400(schedule({ retentionCount: 0 }), 'retentionCount');
      await expect400(schedule({ retentionDays: 3651 }), 'retentionDays');
      await expect400(schedule({ timeoutMinutes: 0 }), 'timeoutMinutes');
      await expect400(schedule({ databaseId: undefined }), 'databaseId');
      await expect400(schedule({ volumeId: randomUUID() }), 'databaseId');
      await expect400(schedule({ databaseId: randomUUID() }), 'databaseId');
      await expect400({ ...schedule({ databaseId: undefined }), volumeId: randomUUID() }, 'volumeId');
      await expect400(schedule({ destinationId: randomUUID() }), 'destinationId');
      expect(outcomes).toEqual(expected);
      expect((await asOwner<Paginated<BackupScheduleDto>>('GET', '/api/v1/backup-schedules')).body.total).toBe(total);
      await expect(stat(canary)).rejects.toThrow();
    });

    it('keeps a destination while a schedule writes there (409), and lets it go once the schedule is deleted', async () => {
      const own = (await asOwner<BackupDestinationDto>('POST', '/api/v1/backup-destinations', s3Body())).body;
      const created = (await asOwner<BackupScheduleDto>('POST', '/api/v1/backup-schedules', schedule({ destinationId: own.id }))).body;
      const inUse = await asOwner<ProblemDetails>('DELETE', `/api/v1/backup-destinations/${own.id}`);
      expect(inUse.status).toBe(409);
      expect(inUse.body.detail).toMatch(/schedule/);
      expect((await asOwner('DELETE', `/api/v1/backup-schedules/${created.id}`)).status).toBe(204);
      expect((await asOwner('GET', `/api/v1/backup-schedules/${created.id}`)).status).toBe(404);
      expect((await asOwner('DELETE', `/api/v1/backup-destinations/${own.id}`)).status).toBe(204);
      expect((await asOwner('GET', `/api/v1/backup-destinations/${own.id}`)).status).toBe(404);
    });
  });
});
