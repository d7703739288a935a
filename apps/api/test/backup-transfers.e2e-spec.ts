import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  AuditAction,
  type AuditEventDto,
  type BackupDestinationDto,
  type BackupDestinationKeyDto,
  type BackupDownloadDto,
  type BackupDto,
  type BackupWithLogDto,
  type DatabaseDto,
  type EnvironmentDto,
  FINISHED_BACKUP_STATUSES,
  FINISHED_RESTORE_STATUSES,
  type Paginated,
  type ProblemDetails,
  type ProjectDto,
  type RestoreDto,
  type RestoreWithLogDto,
  Role,
  TEAM_HEADER,
} from '@zpanel/contracts';
import { deriveKey, signJwt } from '@zpanel/core';
import {
  type ApiResponse,
  DisposableS3Server,
  REPOSITORY_ROOT,
  databasesOf,
  execInContainer,
  joinTeam,
  readyTestServer,
  useOwnedStack,
  waitFor,
} from '@zpanel/testing';

const MIB = 1024 * 1024;
/** Above the S3 part size (8 MiB), so that refusals at the end of an upload happen after parts were stored. */
const UPLOAD_MAX = 24 * MIB;
const IMAGE = 'zpanel-test/postgres:15';
const DRINKS = ['espresso', 'flat white', 'cortado'];
/** A backup, its verification's throwaway engine (first start and readiness probe) on 2 shared cores. */
const RUN_TIMEOUT_MS = 120_000;

/**
 * Moving backups' bytes through the built API and a real worker (docs/backups.md, "Routes"): a
 * PostgreSQL database on the test server, a real S3 server on loopback and a directory on the test
 * server as destinations. Downloads (the API's signed link streaming from the worker over a byte
 * pipe, and S3's presigned URL) give exactly the recorded object, which the documented script
 * decrypts with the exported key into an archive pg_restore reads; deleting removes the object from
 * the bucket and refuses while the storage is down; an uploaded pg_dump is restored over its
 * database or into a new one, and refused uploads leave no row, no object and no database.
 */
const suite = useOwnedStack({ worker: true, env: { BACKUP_UPLOAD_MAX_BYTES: String(UPLOAD_MAX) } });

describe('backup transfers (built api + worker, a PostgreSQL database on the test server, a real S3 server)', () => {
  const { asOwner, call } = suite;
  const databases = databasesOf(asOwner);
  let s3: DisposableS3Server;
  let bucket: S3Client;
  let root: string;
  let work: string;
  let source: DatabaseDto;
  let s3Destination: BackupDestinationDto;
  let dirDestination: BackupDestinationDto;
  let outsider: { accessToken: string; userId: string; teamId: string };

  const fieldsOf = (body: unknown) => [...new Set(((body as ProblemDetails).errors ?? []).map((e) => e.field))];
  const sql = (statement: string) => {
    const ran = execInContainer(source.internalHost, {}, [
      'psql',
      '-U',
      source.userName as string,
      '-d',
      source.databaseName as string,
      '-At',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      statement,
    ]);
    if (!ran.ok) throw new Error(`psql failed: ${ran.output}`);
    return ran.output;
  };
  const drinks = () => sql('SELECT name FROM drinks ORDER BY id').split('\n');
  /** Keys in the bucket, listed by S3 itself. */
  const objects = async () => {
    const listed = await bucket.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    return (listed.Contents ?? []).map((o) => o.Key as string).sort();
  };
  const backupsOfTeam = async () => (await asOwner<Paginated<BackupDto>>('GET', '/api/v1/backups?perPage=100')).body.items;
  const auditTargets = async (action: AuditAction) =>
    (await asOwner<Paginated<AuditEventDto>>('GET', `/api/v1/audit-events?action=${action}`)).body.items.map((e) => e.target?.id);
  /** What a refused upload must leave as it was: backups, objects, restores, databases and the source's rows. */
  const kept = async () => ({
    backups: await backupsOfTeam(),
    objects: await objects(),
    restores: (await asOwner<Paginated<RestoreDto>>('GET', '/api/v1/restores?perPage=1')).body.total,
    databases: (await asOwner<Paginated<DatabaseDto>>('GET', '/api/v1/databases?perPage=1')).body.total,
    drinks: drinks(),
  });
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  const backUp = async (destinationId: string, verify: boolean) => {
    const queued = await asOwner<BackupDto>('POST', `/api/v1/databases/${source.id}/backups`, { destinationId, verify });
    if (queued.status !== 202) throw new Error(`backing up failed: ${queued.status} ${queued.text}`);
    // A verified backup is done once its verification is: wait for both.
    return waitFor(
      async () => {
        const current = (await asOwner<BackupWithLogDto>('GET', `/api/v1/backups/${queued.body.id}`)).body;
        if (!FINISHED_BACKUP_STATUSES.includes(current.status) || current.verification === 'pending') return undefined;
        return current;
      },
      RUN_TIMEOUT_MS,
      `backup ${queued.body.id} to finish`,
      250,
    );
  };
  const restoreFinished = (id: string) =>
    waitFor(
      async () => {
        const current = (await asOwner<RestoreWithLogDto>('GET', `/api/v1/restores/${id}`)).body;
        return FINISHED_RESTORE_STATUSES.includes(current.status) ? current : undefined;
      },
      RUN_TIMEOUT_MS,
      `restore ${id} to finish`,
      250,
    );
  /** `query` replaces the default one (`same`, the name typed); the destination is the S3 one unless it says otherwise. */
  const upload = (body: Buffer | ReadableStream<Uint8Array>, query: Record<string, string> = { confirmName: source.name }) =>
    fetch(
      `${suite.stack.baseUrl}/api/v1/databases/${source.id}/restores/upload?${new URLSearchParams({ destinationId: s3Destination.id, ...query })}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${suite.owner.accessToken}`, 'content-type': 'application/octet-stream' },
        body,
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit,
    ).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as unknown }));

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'zp-e2e-transfers-'));
    root = await realpath(await mkdtemp(join(tmpdir(), 'zp-e2e-transfers-dir-')));
    const [started, server] = await Promise.all([DisposableS3Server.start(), readyTestServer(asOwner)]);
    s3 = started;
    bucket = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const project = (await asOwner<ProjectDto>('POST', '/api/v1/projects', { name: 'Cafe' })).body;
    const environment = (await asOwner<Paginated<EnvironmentDto>>('GET', `/api/v1/projects/${project.id}/environments`)).body.items[0];
    const creating = databases.running({ environmentId: environment.id, serverId: server.id, name: 'orders-db', engine: 'postgresql', image: IMAGE });
    expect((await asOwner('PUT', `/api/v1/servers/${server.id}/allowed-bind-roots`, { allowedBindRoots: [root] })).status).toBe(200);
    const destination = async (body: Record<string, unknown>) => {
      const created = await asOwner<BackupDestinationDto>('POST', '/api/v1/backup-destinations', body);
      if (created.status !== 201) throw new Error(`adding destination ${String(body.name)} failed: ${created.status} ${created.text}`);
      return created.body;
    };
    s3Destination = await destination({ kind: 's3', name: 'offsite', prefix: 'cafe', ...s3.settings });
    dirDestination = await destination({ kind: 'server', name: 'on-server', serverId: server.id, path: root });
    source = await creating;
    sql(
      `CREATE TABLE drinks (id serial PRIMARY KEY, name text NOT NULL); INSERT INTO drinks (name) VALUES ${DRINKS.map((d) => `('${d}')`).join(', ')}`,
    );

    // Someone of another team, who must get nothing of this team's backups.
    const side = (await call<{ teamId: string }>('POST', '/api/v1/teams', suite.owner.accessToken, { name: 'Side' })).body;
    const joined = await joinTeam(call, { accessToken: suite.owner.accessToken, teamId: side.teamId }, 'outsider@example.com', Role.Owner);
    const theirs = await call<{ teamId: string }>('POST', '/api/v1/teams', joined.accessToken, { name: 'Theirs' });
    outsider = { accessToken: joined.accessToken, userId: joined.userId, teamId: theirs.body.teamId };
  }, 240_000);

  afterAll(async () => {
    bucket?.destroy();
    await s3?.dispose();
    await rm(work, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  });

  describe('downloading', () => {
    let backup: BackupWithLogDto;
    let token: string;

    it('backs up to a server directory, verified, and the signed link gives the recorded object, which the documented script decrypts with the exported key into an archive pg_restore reads', async () => {
      backup = await backUp(dirDestination.id, true);
      expect({ status: backup.status, verification: backup.verification, reason: backup.reason }).toEqual({
        status: 'succeeded',
        verification: 'verified',
        reason: null,
      });
      expect(backup.inventory?.tables).toEqual([{ name: 'public.drinks', rows: DRINKS.length }]);

      const link = await asOwner<BackupDownloadDto>('GET', `/api/v1/backups/${backup.id}/download`);
      expect(link.status).toBe(200);
      expect(link.body.url).toMatch(new RegExp(`^/api/v1/backups/${backup.id}/download/file\\?token=`));
      token = new URL(link.body.url, suite.stack.baseUrl).searchParams.get('token') as string;
      // No bearer token: the link is the credential, as for a browser.
      const file = await fetch(`${suite.stack.baseUrl}${link.body.url}`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${link.body.fileName}"`);
      const bytes = Buffer.from(await file.arrayBuffer());
      expect({ size: bytes.length, sha256: sha256(bytes) }).toEqual({ size: backup.sizeBytes, sha256: backup.sha256 });
      expect(await auditTargets(AuditAction.BackupDownloaded)).toEqual([backup.id]);

      const key = await asOwner<BackupDestinationKeyDto>('GET', `/api/v1/backup-destinations/${dirDestination.id}/key`);
      expect(key.body.keyId).toBe(dirDestination.keyId);
      const keyFile = join(work, 'key.json');
      await writeFile(keyFile, JSON.stringify(key.body), { mode: 0o600 });
      const encrypted = join(work, link.body.fileName);
      await writeFile(encrypted, bytes);
      const dump = join(work, 'orders.dump');
      execFileSync(process.execPath, [join(REPOSITORY_ROOT, 'scripts/decrypt-backup.mjs'), '--key-file', keyFile, '--in', encrypted, '--out', dump], {
        stdio: 'pipe',
      });
      expect((await readFile(dump)).subarray(0, 5).toString('latin1')).toBe('PGDMP');
      const listing = execFileSync('pg_restore', ['--list', dump], { encoding: 'utf8' });
      expect(listing).toMatch(/TABLE public drinks /);
      expect(listing).toMatch(/TABLE DATA public drinks /);

      // Another key (the other destination's) is refused, and no output is left.
      const otherKey = await asOwner<BackupDestinationKeyDto>('GET', `/api/v1/backup-destinations/${s3Destination.id}/key`);
      const otherKeyFile = join(work, 'other-key.json');
      await writeFile(otherKeyFile, JSON.stringify(otherKey.body), { mode: 0o600 });
      const wrong = spawnSync(
        process.execPath,
        [join(REPOSITORY_ROOT, 'scripts/decrypt-backup.mjs'), '--key-file', otherKeyFile, '--in', encrypted, '--out', join(work, 'wrong.dump')],
        { encoding: 'utf8' },
      );
      expect({ status: wrong.status, stderr: wrong.stderr }).toEqual({ status: 1, stderr: expect.stringContaining(dirDestination.keyId) });
    });

    it('answers the same 404 to a link that is tampered with, expired, for another backup, or from another team, and to another team asking', async () => {
      const file = (backupId: string, t: string | null) =>
        fetch(`${suite.stack.baseUrl}/api/v1/backups/${backupId}/download/file${t === null ? '' : `?token=${encodeURIComponent(t)}`}`);
      // Links signed here as the API signs them: a fresh one must work, so that the refusals below are for what differs.
      const key = deriveKey(Buffer.from(suite.stack.env.ZPANEL_SECRET_KEY, 'base64'), 'zpanel:backup-download:v1');
      const forge = async (claims: { bid?: string; tid?: string; sub?: string }, now = Date.now()) =>
        (await signJwt({ typ: 'backup-download', bid: backup.id, tid: suite.owner.teamId, sub: suite.owner.userId, ...claims }, key, 300, now)).token;
      const forged = await file(backup.id, await forge({}));
      expect(forged.status).toBe(200);
      await forged.arrayBuffer();

      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const otherPayload = Buffer.from(JSON.stringify({ ...claims, exp: Number(claims.exp) + 3600 })).toString('base64url');
      const refused: [string, string, string | null][] = [
        ['no token', backup.id, null],
        ['a flipped signature', backup.id, `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`],
        ['a changed payload', backup.id, `${header}.${otherPayload}.${signature}`],
        ['expired', backup.id, await forge({}, Date.now() - 301_000)],
        ['for another backup', randomUUID(), token],
        ['naming another team', backup.id, await forge({ tid: outsider.teamId, sub: outsider.userId })],
        ['asked by someone outside the team', backup.id, await forge({ sub: outsider.userId })],
      ];
      for (const [what, backupId, t] of refused) {
        const r = await file(backupId, t);
        expect({ what, status: r.status, type: r.headers.get('content-type') }).toEqual({
          what,
          status: 404,
          type: expect.stringMatching(/^application\/problem\+json/),
        });
      }
      const asked = await call('GET', `/api/v1/backups/${backup.id}/download`, outsider.accessToken, undefined, { [TEAM_HEADER]: outsider.teamId });
      expect(asked.status).toBe(404);
      // Only the owner's one request for a link was audited.
      expect(await auditTargets(AuditAction.BackupDownloaded)).toEqual([backup.id]);
    });
    it('answers 404 in the storage’s words when the object is missing from the destination, rather than a cut or empty file', async () => {
      const stored = (await readdir(root, { recursive: true })).filter((entry) => entry.endsWith(`${backup.id}.zpbk`));
      expect(stored).toHaveLength(1);
      await rm(join(root, stored[0]));
      const link = await asOwner<BackupDownloadDto>('GET', `/api/v1/backups/${backup.id}/download`);
      expect(link.status).toBe(200);
      const r = await fetch(`${suite.stack.baseUrl}${link.body.url}`);
      const body = (await r.json()) as ProblemDetails;
      expect({ status: r.status, type: r.headers.get('content-type') }).toEqual({
        status: 404,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
      expect(body.detail).toMatch(/no such|not found|does not exist/i);
    });
  });

  describe('an S3 destination', () => {
    let backup: BackupWithLogDto;

    it('stores the backup in the bucket, and its presigned download is the recorded object', async () => {
      backup = await backUp(s3Destination.id, false);
      expect({ status: backup.status, reason: backup.reason }).toEqual({ status: 'succeeded', reason: null });
      expect(backup.location).toMatch(new RegExp(`^${suite.owner.teamId}/database-${source.id}/.+-${backup.id}\\.zpbk$`));
      expect(await objects()).toEqual([`cafe/${backup.location}`]);
      const link = await asOwner<BackupDownloadDto>('GET', `/api/v1/backups/${backup.id}/download`);
      expect(link.body.url.startsWith(`${s3.endpoint}/${s3.bucket}/cafe/`)).toBe(true);
      const bytes = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
      expect({ size: bytes.length, sha256: sha256(bytes) }).toEqual({ size: backup.sizeBytes, sha256: backup.sha256 });
    });

    it('refuses to delete while the storage is down (503 in its words, the backup kept), then deletes the object and keeps the row as pruned, audited', async () => {
      await s3.stop();
      let down: ApiResponse<ProblemDetails>;
      try {
        down = await asOwner<ProblemDetails>('DELETE', `/api/v1/backups/${backup.id}`);
      } finally {
        await s3.start();
      }
      expect({ status: down.status, type: down.headers.get('content-type') }).toEqual({
        status: 503,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
      expect(down.body.detail).toContain('ECONNREFUSED');
      expect((await asOwner<BackupDto>('GET', `/api/v1/backups/${backup.id}`)).body.status).toBe('succeeded');
      expect(await objects()).toEqual([`cafe/${backup.location}`]);
      expect(await auditTargets(AuditAction.BackupDeleted)).toEqual([]);

      const deleted = await asOwner('DELETE', `/api/v1/backups/${backup.id}`);
      expect(deleted.status).toBe(204);
      expect(await objects()).toEqual([]);
      expect((await asOwner<BackupDto>('GET', `/api/v1/backups/${backup.id}`)).body.status).toBe('pruned');
      expect(await auditTargets(AuditAction.BackupDeleted)).toEqual([backup.id]);
      // Nothing is stored any more: no link to it.
      expect((await asOwner('GET', `/api/v1/backups/${backup.id}/download`)).status).toBe(409);
    });
  });

  describe('restoring an uploaded dump', () => {
    let dump: Buffer;
    /** Half the dump: its end is not the archive's zero-length last block (moved back until it is not all zeros). */
    let cut: number;

    beforeAll(() => {
      dump = execFileSync(
        'docker',
        ['exec', source.internalHost, 'pg_dump', '-Fc', '-U', source.userName as string, '-d', source.databaseName as string],
        {
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      cut = Math.floor(dump.length / 2);
      while (dump.subarray(cut - 5, cut).every((b) => b === 0)) cut -= 1;
    });

    /**
     * `head`, then random MiBs up to `total` bytes; the last MiB is held back until the worker has begun a
     * multipart upload (so a refusal at the end must abort one, not merely never start it).
     */
    const pastFirstParts = (head: Buffer, total: number) => {
      const chunks = [head];
      for (let sent = head.length; sent < total; sent += MIB) chunks.push(randomBytes(Math.min(MIB, total - sent)));
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (chunks.length === 1) {
            await waitFor(
              async () => ((await s3.pendingMultipartUploads()).length > 0 ? true : undefined),
              30_000,
              'a multipart upload to begin',
              50,
            );
          }
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      });
    };
    /** Sends only `head` under a Content-Length above the cap: the API must answer before reading the rest. */
    const announcedTooLarge = (head: Buffer) =>
      new Promise<{ status: number; type: string | null; body: unknown }>((resolve, reject) => {
        const url = new URL(`/api/v1/databases/${source.id}/restores/upload`, suite.stack.baseUrl);
        url.search = new URLSearchParams({ destinationId: s3Destination.id, confirmName: source.name }).toString();
        const request = httpRequest(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${suite.owner.accessToken}`,
            'content-type': 'application/octet-stream',
            'content-length': String(UPLOAD_MAX + 1),
          },
        });
        request.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => {
            request.destroy();
            resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] ?? null, body: JSON.parse(text) as unknown });
          });
        });
        request.on('error', reject);
        request.write(head);
      });

    it('refuses what is not a whole dump under the cap with a 4xx naming the body, leaving no backup, restore, database or object', async () => {
      const before = await kept();
      const cases: [string, () => Promise<{ status: number; type: string | null; body: unknown }>, number][] = [
        ['not a dump', () => upload(Buffer.from('-- PostgreSQL database dump\nCREATE TABLE t ();\n'.repeat(40))), 400],
        ['a truncated dump', () => upload(dump.subarray(0, cut)), 400],
        // 17 MiB: two 8 MiB parts reached the bucket before the end shows the dump is not whole.
        ['a truncated dump, after parts were stored', () => upload(pastFirstParts(dump.subarray(0, cut), 17 * MIB)), 400],
        ['over the cap, announced', () => announcedTooLarge(dump), 413],
        ['over the cap, streamed after parts were stored', () => upload(pastFirstParts(dump, UPLOAD_MAX + MIB)), 413],
      ];
      for (const [what, send, status] of cases) {
        const r = await send();
        expect({ what, status: r.status, type: r.type, fields: fieldsOf(r.body) }).toEqual({
          what,
          status,
          type: expect.stringMatching(/^application\/problem\+json/),
          fields: ['body'],
        });
        // The worker aborts its multipart upload once the pipe fails; it may do so just after the API answered.
        await waitFor(
          async () => ((await s3.pendingMultipartUploads()).length === 0 ? true : undefined),
          15_000,
          `no multipart upload left (${what})`,
        );
      }
      expect(await kept()).toEqual(before);
    });

    it('fails the restore in pg_restore’s words for a damaged dump that ends like a whole one, leaving the database as it was', async () => {
      sql(`DELETE FROM drinks WHERE name = 'cortado'; INSERT INTO drinks (name) VALUES ('mocha')`);
      const changed = ['espresso', 'flat white', 'mocha'];
      expect(drinks()).toEqual(changed);
      // The archive's end (a zero-length block: an int of 4 bytes and its sign byte) after half of it.
      const queued = await upload(Buffer.concat([dump.subarray(0, cut), Buffer.alloc(5)]));
      expect(queued.status).toBe(202);
      const restore = await restoreFinished((queued.body as RestoreDto).id);
      expect({ status: restore.status, reasonCode: restore.reasonCode }).toEqual({ status: 'failed', reasonCode: 'backup.restore_failed' });
      expect(restore.reason).toMatch(/pg_restore/);
      expect(drinks()).toEqual(changed);
    });

    it('restores a pg_dump file over the database after a safety backup: the rows are the dump’s again', async () => {
      expect(drinks()).not.toEqual(DRINKS);
      const objectsBefore = await objects();
      const queued = await upload(dump);
      expect(queued.status).toBe(202);
      const restore = await restoreFinished((queued.body as RestoreDto).id);
      expect({ status: restore.status, reason: restore.reason, target: restore.target }).toEqual({
        status: 'succeeded',
        reason: null,
        target: 'same',
      });
      expect(drinks()).toEqual(DRINKS);

      const backups = await backupsOfTeam();
      const uploaded = backups.find((b) => b.id === restore.backupId);
      const safety = backups.find((b) => b.id === restore.safetyBackupId);
      expect({ trigger: uploaded?.trigger, status: uploaded?.status, dumpBytes: uploaded?.dumpBytes }).toEqual({
        trigger: 'upload',
        status: 'succeeded',
        dumpBytes: dump.length,
      });
      expect({ trigger: safety?.trigger, status: safety?.status }).toEqual({ trigger: 'safety', status: 'succeeded' });
      expect(await objects()).toEqual([...objectsBefore, `cafe/${uploaded?.location}`, `cafe/${safety?.location}`].sort());
      expect(await auditTargets(AuditAction.BackupUploaded)).toContain(restore.backupId);
    });

    it('refuses a query that does not fit a restore into a new database with a 400 or 409 naming the field, before anything is kept', async () => {
      const before = await kept();
      const notADump = Buffer.from('-- PostgreSQL database dump\n'.repeat(40));
      const cases: [string, Buffer, Record<string, string>, number, string[]][] = [
        ['a verify restore', dump, { target: 'verify' }, 400, ['target']],
        ['an unknown target', dump, { target: 'elsewhere', newDatabaseName: 'orders-x' }, 400, ['target']],
        ['no new name', dump, { target: 'new' }, 400, ['newDatabaseName']],
        ['a new name against the rules', dump, { target: 'new', newDatabaseName: '../orders' }, 400, ['newDatabaseName']],
        ['an unknown field', dump, { target: 'new', newDatabaseName: 'orders-x', newDatabaseImage: 'postgres:16' }, 400, ['newDatabaseImage']],
        ['a destination of nothing', dump, { target: 'new', newDatabaseName: 'orders-x', destinationId: randomUUID() }, 400, ['destinationId']],
        ['a name taken in the environment', dump, { target: 'new', newDatabaseName: source.name }, 409, ['name']],
        ['not a dump', notADump, { target: 'new', newDatabaseName: 'orders-x' }, 400, ['body']],
        ['a truncated dump', dump.subarray(0, cut), { target: 'new', newDatabaseName: 'orders-x' }, 400, ['body']],
      ];
      for (const [what, body, query, status, fields] of cases) {
        const r = await upload(body, query);
        expect({ what, status: r.status, type: r.type, fields: fieldsOf(r.body) }).toEqual({
          what,
          status,
          type: expect.stringMatching(/^application\/problem\+json/),
          fields,
        });
      }
      await waitFor(async () => ((await s3.pendingMultipartUploads()).length === 0 ? true : undefined), 15_000, 'no multipart upload left');
      expect(await kept()).toEqual(before);
    });

    it('restores a pg_dump file into a new database in the same environment and server, without a safety backup: its rows are the dump’s', async () => {
      sql(`INSERT INTO drinks (name) VALUES ('lungo')`);
      const objectsBefore = await objects();
      // No confirmName: nothing is overwritten.
      const queued = await upload(dump, { target: 'new', newDatabaseName: 'orders-from-file' });
      expect(queued.status).toBe(202);
      const restore = await restoreFinished((queued.body as RestoreDto).id);
      expect({ status: restore.status, reason: restore.reason, target: restore.target, safetyBackupId: restore.safetyBackupId }).toEqual({
        status: 'succeeded',
        reason: null,
        target: 'new',
        safetyBackupId: null,
      });
      const created = (await asOwner<DatabaseDto>('GET', `/api/v1/databases/${restore.databaseId}`)).body;
      expect({
        name: created.name,
        environmentId: created.environmentId,
        serverId: created.serverId,
        engine: created.engine,
        image: created.image,
      }).toEqual({
        name: 'orders-from-file',
        environmentId: source.environmentId,
        serverId: source.serverId,
        engine: 'postgresql',
        image: IMAGE,
      });
      const restored = execInContainer(created.internalHost, {}, [
        'psql',
        '-U',
        created.userName as string,
        '-d',
        created.databaseName as string,
        '-At',
        '-c',
        'SELECT name FROM drinks ORDER BY id',
      ]);
      expect(restored.ok ? restored.output.split('\n') : restored.output).toEqual(DRINKS);
      // The upload's own database is left as it was.
      expect(drinks()).toEqual([...DRINKS, 'lungo']);

      const uploaded = (await backupsOfTeam()).find((b) => b.id === restore.backupId);
      expect({ trigger: uploaded?.trigger, status: uploaded?.status, databaseId: uploaded?.databaseId }).toEqual({
        trigger: 'upload',
        status: 'succeeded',
        databaseId: source.id,
      });
      expect(await objects()).toEqual([...objectsBefore, `cafe/${uploaded?.location}`].sort());
      expect(await auditTargets(AuditAction.RestoreRequested)).toContain(restore.id);
    });
  });
});
