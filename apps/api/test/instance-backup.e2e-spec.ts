import {
  Ability,
  type AlertEventDto,
  type BackupDestinationDto,
  type BackupDownloadDto,
  type BackupDto,
  type BackupScheduleDto,
  type CreatedApiTokenResponse,
  type InstanceBackupAccessDto,
  type Paginated,
  type ProblemDetails,
  Role,
  TEAM_HEADER,
} from '@zpanel/contracts';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import {
  DEFAULT_OWNER,
  REPOSITORY_ROOT,
  type Stack,
  apiCaller,
  createOwner,
  createScratchDatabase,
  joinTeam,
  readyTestServer,
  signIn,
  startStack,
  testProcessEnv,
  useOwnedStack,
  waitFor,
} from '@zpanel/testing';

const PASSWORD = 'a long enough password 1';

describe('instance backups (System)', () => {
  const suite = useOwnedStack();

  describe('who may manage them', () => {
    it("lets the owners of the instance's first team in, and an admin token of that team, and no one else", async () => {
      const { call, owner } = suite;
      const access = (token: string) => call<InstanceBackupAccessDto>('GET', '/api/v1/system/backups/access', token);
      const first = await access(owner.accessToken);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ allowed: true, teamId: owner.teamId, teamName: expect.any(String), reason: null });
      const teamName = first.body.teamName;

      // An admin of the first team is not an owner.
      const admin = await joinTeam(call, owner, 'instance-admin@example.com', Role.Admin, { password: PASSWORD });
      expect((await access(admin.accessToken)).body).toEqual({
        allowed: false,
        teamId: owner.teamId,
        teamName,
        reason: `Instance backups are managed by the owners of ${teamName}, the instance's first team`,
      });

      // The owner of a team created later is not an instance operator either.
      const created = await call('POST', '/api/v1/teams', admin.accessToken, { name: 'Later team' });
      expect(created.status).toBe(201);
      expect((await access(admin.accessToken)).body.allowed).toBe(false);

      // A second owner of the first team is.
      const coOwner = await joinTeam(call, owner, 'instance-co-owner@example.com', Role.Owner, { password: PASSWORD });
      expect((await access(coOwner.accessToken)).body.allowed).toBe(true);

      const token = async (abilities: Ability[]) => {
        const made = await call<CreatedApiTokenResponse>('POST', `/api/v1/teams/${owner.teamId}/api-tokens`, owner.accessToken, {
          name: abilities.join('+'),
          abilities,
        });
        expect(made.status).toBe(201);
        return made.body.token;
      };
      expect((await access(await token([Ability.Admin]))).body.allowed).toBe(true);
      expect((await access(await token([Ability.Read, Ability.Write, Ability.ReadSensitive]))).body).toMatchObject({
        allowed: false,
        reason: 'This API token lacks the admin ability',
      });
      // The first team's owner signing in again is still one (a fresh session, same answer).
      const again = await signIn(suite.stack.baseUrl, owner.credentials);
      expect((await access(again.accessToken)).body.allowed).toBe(true);
    });
  });
});

/** `npm run <script> -- <args>` from the repository root, as an operator types it, with `env` only (no .env is read for what it names). */
async function npmRun(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', script, '--', ...args], {
      cwd: REPOSITORY_ROOT,
      env,
      timeout: 120_000,
    });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('instance backups through the API', () => {
  const suite = useOwnedStack();

  it('lists none at first, queues one only to a destination of the first team, and hides other ids', async () => {
    const { call, owner } = suite;
    expect((await call('GET', '/api/v1/system/backups', owner.accessToken)).body).toEqual({ items: [], total: 0, page: 1, perPage: 20 });
    const refused = await call<{ errors: Array<{ field: string; message: string }> }>('POST', '/api/v1/system/backups', owner.accessToken, {
      destinationId: '00000000-0000-4000-8000-000000000000',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'destinationId', message: expect.stringContaining("the instance's first team") }]);
    expect((await call('GET', '/api/v1/system/backups/00000000-0000-4000-8000-000000000000', owner.accessToken)).status).toBe(404);
    expect((await call('GET', '/api/v1/system/backups', owner.accessToken)).body).toMatchObject({ total: 0 });
  });
});

describe('instance backup schedules and downloads (built api + worker, the test server)', () => {
  const suite = useOwnedStack({ worker: true, env: { BACKUP_SCHEDULES_TICK_MS: '1000' } });
  const NO_SUCH = '00000000-0000-4000-8000-000000000000';
  let db: Client;
  let root: string;
  let destinationId: string;
  let outsider: string;

  const asOperator = <T>(method: string, path: string, body?: unknown) => suite.call<T>(method, path, suite.owner.accessToken, body);
  const fieldsOf = (body: ProblemDetails) => [...new Set(body.errors?.map((e) => e.field))].join();
  const schedules = async () => (await asOperator<Paginated<BackupScheduleDto>>('GET', '/api/v1/system/backups/schedules')).body;

  beforeAll(async () => {
    db = new Client({ connectionString: suite.stack.databaseUrl });
    // The stack drops its database when it stops, which may come before this client ends.
    db.on('error', () => undefined);
    await db.connect();
    root = await realpath(await mkdtemp(join(tmpdir(), 'zp-e2e-instance-backups-')));
    const server = await readyTestServer(suite.asOwner);
    expect((await suite.asOwner('PUT', `/api/v1/servers/${server.id}/allowed-bind-roots`, { allowedBindRoots: [root] })).status).toBe(200);
    const destination = await suite.asOwner<BackupDestinationDto>('POST', '/api/v1/backup-destinations', {
      kind: 'server',
      name: 'instance-dir',
      serverId: server.id,
      path: root,
    });
    expect(destination.status).toBe(201);
    destinationId = destination.body.id;
    // An admin of the first team, not an owner: signed in, in the team, and no instance operator.
    outsider = (await joinTeam(suite.call, suite.owner, 'instance-outsider@example.com', Role.Admin, { password: PASSWORD })).accessToken;
  }, 120_000);
  afterAll(async () => {
    await db?.end().catch(() => undefined);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('refuses a schedule off its rules with a 400 problem naming the field, and saves nothing', async () => {
    const valid = { destinationId, cron: '0 3 * * *', retentionCount: 7 };
    const cases: [string, Record<string, unknown>][] = [
      ['cron', { ...valid, cron: undefined }],
      ['cron', { ...valid, cron: 'every day' }],
      ['cron', { ...valid, cron: '0 0 31 2 *' }],
      ['cron', { ...valid, cron: '@reboot' }],
      ['timezone', { ...valid, timezone: '+01:00' }],
      ['timezone', { ...valid, timezone: 'Mars/Olympus' }],
      ['retentionCount', { ...valid, retentionCount: undefined }],
      ['retentionCount', { ...valid, retentionCount: 0 }],
      ['timeoutMinutes', { ...valid, timeoutMinutes: 0 }],
      ['destinationId', { ...valid, destinationId: NO_SUCH }],
      ['destinationId', { ...valid, destinationId: 'not-a-uuid' }],
    ];
    const outcomes: string[] = [];
    for (const [field, body] of cases) {
      const res = await asOperator<ProblemDetails>('POST', '/api/v1/system/backups/schedules', body);
      outcomes.push(`${JSON.stringify(body)} -> ${res.status} ${res.headers.get('content-type')?.split(';')[0]} ${fieldsOf(res.body)}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(fieldsOf(res.body)).toBe(field);
    }
    const unknown = await asOperator<ProblemDetails>('POST', '/api/v1/system/backups/schedules', { ...valid, destinationId: NO_SUCH });
    expect(unknown.body.errors).toEqual([{ field: 'destinationId', message: expect.stringContaining("the instance's first team") }]);
    expect((await schedules()).total).toBe(0);
  });

  it('creates, lists, changes and deletes an instance schedule; to anyone else it does not exist', async () => {
    const created = await asOperator<BackupScheduleDto>('POST', '/api/v1/system/backups/schedules', {
      destinationId,
      cron: ' 0 3 * * * ',
      timezone: 'Europe/Berlin',
      retentionCount: 7,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      teamId: null,
      sourceKind: 'instance',
      databaseId: null,
      volumeId: null,
      destinationId,
      cron: '0 3 * * *',
      timezone: 'Europe/Berlin',
      description: 'At 03:00',
      retentionCount: 7,
      retentionDays: null,
      verifyAfterBackup: true,
      timeoutMinutes: 60,
      enabled: true,
      missedSince: null,
    });
    expect(Date.parse(created.body.nextRunAt!)).toBeGreaterThan(Date.now());
    const id = created.body.id;
    expect(await schedules()).toEqual({ items: [created.body], total: 1, page: 1, perPage: 20 });
    expect((await asOperator<BackupScheduleDto>('GET', `/api/v1/system/backups/schedules/${id}`)).body).toEqual(created.body);
    // Not the team's: the first team's own schedules do not hold it.
    expect((await suite.asOwner<Paginated<BackupScheduleDto>>('GET', '/api/v1/backup-schedules')).body.total).toBe(0);
    expect((await suite.asOwner('GET', `/api/v1/backup-schedules/${id}`)).status).toBe(404);

    const changed = await asOperator<BackupScheduleDto>('PATCH', `/api/v1/system/backups/schedules/${id}`, {
      cron: '*/5 * * * *',
      retentionDays: 30,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ cron: '*/5 * * * *', description: 'Every 5 minutes', retentionCount: 7, retentionDays: 30 });
    const badZone = await asOperator<ProblemDetails>('PATCH', `/api/v1/system/backups/schedules/${id}`, { timezone: 'UTC+1' });
    expect([badZone.status, fieldsOf(badZone.body)]).toEqual([400, 'timezone']);
    const noRetention = await asOperator<ProblemDetails>('PATCH', `/api/v1/system/backups/schedules/${id}`, {
      retentionCount: null,
      retentionDays: null,
    });
    expect([noRetention.status, fieldsOf(noRetention.body)]).toEqual([400, 'retentionCount']);
    const disabled = await asOperator<BackupScheduleDto>('PATCH', `/api/v1/system/backups/schedules/${id}`, { enabled: false });
    expect(disabled.body).toMatchObject({ enabled: false, nextRunAt: null });

    // Someone signed in but not an operator: the collection says why (403, as the System page shows it); the schedule does not exist.
    const asOutsider = (method: string, path: string, body?: unknown) => suite.call<ProblemDetails>(method, path, outsider, body);
    expect((await asOutsider('GET', '/api/v1/system/backups/schedules')).status).toBe(403);
    expect((await asOutsider('POST', '/api/v1/system/backups/schedules', { destinationId, cron: '0 3 * * *', retentionCount: 1 })).status).toBe(403);
    for (const [method, body] of [['GET'], ['PATCH', { enabled: true }], ['DELETE']] as const) {
      const res = await asOutsider(method, `/api/v1/system/backups/schedules/${id}`, body);
      expect([method, res.status, res.headers.get('content-type')?.split(';')[0]]).toEqual([method, 404, 'application/problem+json']);
    }
    expect((await asOperator('GET', `/api/v1/system/backups/schedules/${NO_SUCH}`)).status).toBe(404);
    expect((await schedules()).items[0]).toMatchObject({ enabled: false });

    expect((await asOperator('DELETE', `/api/v1/system/backups/schedules/${id}`)).status).toBe(204);
    expect((await schedules()).total).toBe(0);
    expect((await asOperator('DELETE', `/api/v1/system/backups/schedules/${id}`)).status).toBe(404);
  });

  it('runs a due schedule through the pipeline to a verified backup, whose download has the recorded SHA-256', async () => {
    const created = await asOperator<BackupScheduleDto>('POST', '/api/v1/system/backups/schedules', {
      destinationId,
      cron: '0 3 * * *',
      retentionCount: 2,
    });
    expect(created.status).toBe(201);
    // Its slot has come (a cron slot is at least a minute away; the tick runs every second). In
    // milliseconds, as the API writes it: the tick's claim compares the slot it read as a JS Date.
    await db.query(`UPDATE backup_schedules SET next_run_at = date_trunc('milliseconds', now()) - interval '1 second' WHERE id = $1`, [
      created.body.id,
    ]);
    let backup: BackupDto | undefined;
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      backup = (await asOperator<Paginated<BackupDto>>('GET', '/api/v1/system/backups')).body.items.find((b) => b.scheduleId === created.body.id);
      if (backup && (backup.status === 'failed' || backup.verification === 'verified' || backup.verification === 'failed')) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    if (backup?.verification !== 'verified') {
      // What the worker said about it: the reason a backup or its verification failed, or why no slot fired.
      const said = (suite.stack.worker?.output() ?? '').split('\n').filter((line) => /backup|restore|schedule/i.test(line));
      const rows = await db.query(`SELECT next_run_at, last_run_at, enabled FROM backup_schedules WHERE id = $1`, [created.body.id]);
      throw new Error(`no verified backup: ${JSON.stringify({ backup, schedule: rows.rows, worker: said.slice(-30) }, null, 2)}`);
    }
    expect(backup).toMatchObject({ sourceKind: 'instance', trigger: 'schedule', status: 'succeeded', verification: 'verified', reason: null });
    const after = (await asOperator<BackupScheduleDto>('GET', `/api/v1/system/backups/schedules/${created.body.id}`)).body;
    expect(after.lastRunAt).not.toBeNull();
    expect(Date.parse(after.nextRunAt!)).toBeGreaterThan(Date.now());
    const id = backup!.id;

    // Downloads: operators only (404 to anyone else), a link that streams the very bytes the backup recorded.
    expect((await suite.call('GET', `/api/v1/system/backups/${id}/download`, outsider)).status).toBe(404);
    expect((await asOperator('GET', `/api/v1/system/backups/${NO_SUCH}/download`)).status).toBe(404);
    const link = await asOperator<BackupDownloadDto>('GET', `/api/v1/system/backups/${id}/download`);
    expect(link.status).toBe(200);
    expect(link.body.url).toMatch(new RegExp(`^/api/v1/system/backups/${id}/download/file\\?token=`));
    expect(link.body.fileName).toMatch(/\.zpbk$/);
    const file = await fetch(`${suite.stack.baseUrl}${link.body.url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBe(backup!.sizeBytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(backup!.sha256);
    // The link is for this backup, through this route only: not another id, not the team backups' route, not altered.
    const token = new URL(link.body.url, suite.stack.baseUrl).searchParams.get('token')!;
    for (const path of [
      `/api/v1/system/backups/${NO_SUCH}/download/file?token=${encodeURIComponent(token)}`,
      `/api/v1/backups/${id}/download/file?token=${encodeURIComponent(token)}`,
      `/api/v1/system/backups/${id}/download/file?token=${encodeURIComponent(token.slice(0, -2))}`,
      `/api/v1/system/backups/${id}/download/file`,
    ]) {
      expect([path, (await fetch(`${suite.stack.baseUrl}${path}`)).status]).toEqual([path, 404]);
    }
    // Audited in the first team's log.
    const audit = await db.query(`SELECT team_id FROM audit_events WHERE action = 'backup.downloaded' AND target_id = $1`, [id]);
    expect(audit.rows).toEqual([{ team_id: suite.owner.teamId }]);
  }, 200_000);

  it("marks a schedule with no verified backup since its slot missed, and raises one alert event in the first team's alerts", async () => {
    const created = await asOperator<BackupScheduleDto>('POST', '/api/v1/system/backups/schedules', {
      destinationId,
      cron: '0 3 * * *',
      retentionCount: 2,
    });
    expect(created.status).toBe(201);
    // Its last slot an hour ago (past the 30 min grace), and no backup since.
    await db.query(`UPDATE backup_schedules SET last_run_at = date_trunc('milliseconds', now()) - interval '1 hour' WHERE id = $1`, [
      created.body.id,
    ]);
    const schedule = await waitFor(
      async () => {
        const read = (await asOperator<BackupScheduleDto>('GET', `/api/v1/system/backups/schedules/${created.body.id}`)).body;
        return read.missedSince === null ? undefined : read;
      },
      30_000,
      'the schedule marked missed',
      500,
    );
    // A few more ticks: still the one alert (once per miss, not per tick).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const alerts = await suite.asOwner<Paginated<AlertEventDto>>('GET', '/api/v1/alerts?state=open&perPage=100');
    expect(alerts.status).toBe(200);
    expect(alerts.body.items.filter((alert) => alert.scheduleId === created.body.id)).toEqual([
      expect.objectContaining({
        kind: 'backup_missed',
        serverId: null,
        ruleId: null,
        state: 'open',
        message: `No verified backup of Zpanel's own PostgreSQL since ${schedule.missedSince} from the schedule “At 03:00” (UTC)`,
      }),
    ]);
  }, 60_000);
});

describe('instance backups onto a fresh install', () => {
  let first: Stack | undefined;
  let fresh: Stack | undefined;
  let dir: string;
  afterAll(async () => {
    await first?.stop();
    await fresh?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('backs up the instance, loses its database, restores it with the documented command, and the fresh stack signs in and finds the data', async () => {
    dir = await mkdtemp(join(tmpdir(), 'zp-instance-backup-'));
    first = await startStack();
    const call = apiCaller(() => (fresh ?? first)!.baseUrl);
    const owner = await createOwner(first.baseUrl);
    const inTeam = { [TEAM_HEADER]: owner.teamId };
    const project = await call<{ id: string }>('POST', '/api/v1/projects', owner.accessToken, { name: 'kept-project' }, inTeam);
    expect(project.status).toBe(201);
    const environments = await call<{ items: Array<{ id: string; name: string }> }>(
      'GET',
      `/api/v1/projects/${project.body.id}/environments`,
      owner.accessToken,
    );
    const environmentId = environments.body.items[0].id;
    // A value sealed with the instance key: reading it after the restore proves the key opens it.
    const secret = `kept-${randomBytes(8).toString('hex')}`;
    expect((await call('PUT', `/api/v1/environments/${environmentId}/env/KEPT_SECRET`, owner.accessToken, { value: secret })).status).toBe(200);
    expect((await call('POST', '/api/v1/ssh-keys', owner.accessToken, { name: 'kept-key' }, inTeam)).status).toBe(201);

    const keyFile = join(dir, 'data-key.txt');
    await writeFile(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    const backupFile = join(dir, 'zpanel-instance.zpbk');
    const env = testProcessEnv();
    const backedUp = await npmRun('backup-instance', ['--out', backupFile, '--key-file', keyFile], { ...env, DATABASE_URL: first.databaseUrl });
    expect(backedUp).toMatchObject({
      code: 0,
      output: expect.stringMatching(/verified in a throwaway database: restored cleanly; \d+ tables and \d+ rows match the dump/),
    });

    // The machine is lost: its processes and its database.
    await first.stop();
    first = undefined;

    const database = await createScratchDatabase();
    const restored = await npmRun('restore-instance', ['--file', backupFile, '--key-file', keyFile], { ...env, DATABASE_URL: database.url });
    expect(restored).toMatchObject({ code: 0, output: expect.stringMatching(/restored \d+ tables, \d+ rows/) });
    // Once more onto what now holds the instance: refused without --force.
    const again = await npmRun('restore-instance', ['--file', backupFile, '--key-file', keyFile], { ...env, DATABASE_URL: database.url });
    expect(again).toMatchObject({ code: 1, output: expect.stringContaining('is not empty') });

    fresh = await startStack({ database });
    const session = await signIn(fresh.baseUrl, { email: DEFAULT_OWNER.email, password: DEFAULT_OWNER.password });
    const projects = await call<{ items: Array<{ id: string; name: string }> }>('GET', '/api/v1/projects', session.accessToken, undefined, inTeam);
    expect(projects.body.items).toEqual([expect.objectContaining({ id: project.body.id, name: 'kept-project' })]);
    const variables = await call('GET', `/api/v1/environments/${environmentId}/env`, session.accessToken);
    expect(variables.status).toBe(200);
    expect(JSON.stringify(variables.body)).toContain(secret);
    const keys = await call<{ items: Array<{ name: string }> }>('GET', '/api/v1/ssh-keys', session.accessToken, undefined, inTeam);
    expect(keys.body.items.map((k) => k.name)).toEqual(['kept-key']);
    // Two stacks, two npm commands each restoring or checking the whole database: minutes on a busy machine.
  }, 300_000);
});
