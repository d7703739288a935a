import { Ability, type CreatedApiTokenResponse, type InstanceBackupAccessDto, Role, TEAM_HEADER } from '@zpanel/contracts';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DEFAULT_OWNER,
  REPOSITORY_ROOT,
  type Stack,
  apiCaller,
  createOwner,
  createScratchDatabase,
  joinTeam,
  signIn,
  startStack,
  testProcessEnv,
  useOwnedStack,
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
