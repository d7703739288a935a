import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ApplicationDto,
  type AuditEventDto,
  type DeploymentDto,
  type MountDto,
  type OrphanedVolumeDto,
  type Paginated,
  type ProblemDetails,
  Role,
  type ServerDto,
  type VolumeDto,
  type VolumeUsageDto,
} from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import { Client } from 'pg';
import {
  createApplication,
  deploymentFinished,
  dockerCli,
  joinTeam,
  sampleAppFiles,
  useGitApplication,
  useOwnedStack,
  waitFor,
} from '@zpanel/testing';

describe('application volumes and mounts (built api + worker, the test server)', () => {
  const suite = useOwnedStack({ worker: true });
  const { asOwner, call } = suite;
  const sample = useGitApplication(suite, 'volumes', sampleAppFiles('v1'), { name: 'volumes', gitBranch: 'main' });
  const canary = join(tmpdir(), `zp-canary-volumes-${randomUUID()}`);
  let bindBase: string;
  let root: string;

  const volumesOf = (id: string) => asOwner<VolumeDto[]>('GET', `/api/v1/applications/${id}/volumes`);
  const mountsOf = (id: string) => asOwner<MountDto[]>('GET', `/api/v1/applications/${id}/mounts`);
  const fieldsOf = (body: ProblemDetails) => [...new Set(body.errors?.map((e) => e.field))];

  beforeAll(async () => {
    bindBase = await realpath(await mkdtemp(join(tmpdir(), 'zp-e2e-bind-')));
    root = join(bindBase, 'root');
    await mkdir(join(root, 'site'), { recursive: true });
  });
  afterAll(async () => {
    await rm(bindBase, { recursive: true, force: true });
  });

  it('refuses volume names and mount paths off their rules with a 400 naming the field, changing nothing', async () => {
    const id = sample.app.id;
    const outcomes: string[] = [];
    const hostile = [
      ...injectionPayloads(canary),
      '',
      '/',
      '/proc',
      '/sys/x',
      '/dev/shm',
      'Relative/path',
      '/a/../b',
      '/a//b',
      '/a/',
      '/a:b',
      `/${'x'.repeat(100)}`,
    ];
    for (const value of hostile) {
      const byName = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${id}/volumes`, { name: value, mountPath: '/data' });
      const byPath = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${id}/volumes`, { name: 'data', mountPath: value });
      const file = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${id}/mounts`, { kind: 'file', mountPath: value, content: 'x' });
      outcomes.push(
        `${JSON.stringify(value.slice(0, 30))} ${byName.status} ${fieldsOf(byName.body).join()} ${byPath.status} ${fieldsOf(byPath.body).join()} ${file.status} ${fieldsOf(file.body).join()}`,
      );
    }
    expect(outcomes).toEqual(hostile.map((value) => `${JSON.stringify(value.slice(0, 30))} 400 name 400 mountPath 400 mountPath`));
    const tooBig = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${id}/mounts`, {
      kind: 'file',
      mountPath: '/big',
      content: 'x'.repeat(64 * 1024 + 1),
    });
    expect([tooBig.status, fieldsOf(tooBig.body)]).toEqual([400, ['content']]);
    const mixed = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${id}/mounts`, {
      kind: 'file',
      mountPath: '/x',
      hostPath: '/srv',
      content: 'x',
    });
    expect([mixed.status, fieldsOf(mixed.body)]).toEqual([400, ['hostPath']]);
    expect((await volumesOf(id)).body).toEqual([]);
    expect((await mountsOf(id)).body).toEqual([]);
    expect(existsSync(canary)).toBe(false);

    const added = await asOwner<VolumeDto>('POST', `/api/v1/applications/${id}/volumes`, { name: 'data', mountPath: '/var/lib/app' });
    expect(added.status).toBe(201);
    const again = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${id}/volumes`, { name: 'data', mountPath: '/other' });
    expect([again.status, fieldsOf(again.body)]).toEqual([409, ['name']]);
    const inside = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${id}/mounts`, {
      kind: 'file',
      mountPath: '/var/lib/app/x.yml',
      content: 'x',
    });
    expect([inside.status, fieldsOf(inside.body)]).toEqual([400, ['mountPath']]);
    expect((await asOwner('DELETE', `/api/v1/applications/${id}/volumes/${added.body.id}`)).status).toBe(204);
  });

  it('lets only an owner of the team, signed in, allow bind roots, refusing denied paths; a bind mount must be under one', async () => {
    const serverId = sample.server.id;
    const member = await joinTeam(call, suite.owner, 'member@example.com', Role.Admin);
    const asAdmin = await call<ProblemDetails>('PUT', `/api/v1/servers/${serverId}/allowed-bind-roots`, member.accessToken, {
      allowedBindRoots: [root],
    });
    expect(asAdmin.status).toBe(403);
    const token = (
      await asOwner<{ token: string }>('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, {
        name: 'roots',
        abilities: ['read', 'write', 'admin'],
      })
    ).body.token;
    expect((await call('PUT', `/api/v1/servers/${serverId}/allowed-bind-roots`, token, { allowedBindRoots: [root] })).status).toBe(403);

    const denied = [
      '/',
      '/etc',
      '/var/run/docker.sock',
      '/var/run',
      '/run',
      '/var',
      '/proc',
      '/sys',
      '/var/lib/zpanel',
      '/var/lib/docker/volumes',
      ...injectionPayloads(canary),
    ];
    for (const path of denied) {
      const refused = await asOwner<ProblemDetails>('PUT', `/api/v1/servers/${serverId}/allowed-bind-roots`, { allowedBindRoots: ['/srv/ok', path] });
      expect({ path: path.slice(0, 30), status: refused.status, fields: fieldsOf(refused.body) }).toEqual({
        path: path.slice(0, 30),
        status: 400,
        fields: ['allowedBindRoots.1'],
      });
    }
    expect((await asOwner<ServerDto>('GET', `/api/v1/servers/${serverId}`)).body.allowedBindRoots).toEqual([]);
    // Without a root, no bind mount.
    const none = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${sample.app.id}/mounts`, {
      kind: 'bind',
      mountPath: '/host',
      hostPath: join(root, 'site'),
    });
    expect([none.status, fieldsOf(none.body)]).toEqual([400, ['hostPath']]);

    const set = await asOwner<ServerDto>('PUT', `/api/v1/servers/${serverId}/allowed-bind-roots`, { allowedBindRoots: [root] });
    expect([set.status, set.body.allowedBindRoots]).toEqual([200, [root]]);
    for (const hostPath of [`${root}2/site`, bindBase, '/etc/passwd', `${root}/../x`, `${root}/site/${injectionPayloads(canary)[0]}`]) {
      const outside = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${sample.app.id}/mounts`, {
        kind: 'bind',
        mountPath: '/host',
        hostPath,
      });
      expect({ hostPath, status: outside.status, fields: fieldsOf(outside.body) }).toEqual({ hostPath, status: 400, fields: ['hostPath'] });
    }
    const ok = await asOwner<MountDto>('POST', `/api/v1/applications/${sample.app.id}/mounts`, {
      kind: 'bind',
      mountPath: '/host',
      hostPath: join(root, 'site'),
      readOnly: true,
    });
    expect(ok.body).toMatchObject({ kind: 'bind', hostPath: join(root, 'site'), readOnly: true, content: null, secret: false });
    expect((await asOwner('DELETE', `/api/v1/applications/${sample.app.id}/mounts/${ok.body.id}`)).status).toBe(204);
    const audit = (await asOwner<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?perPage=100')).body.items;
    expect(audit.find((e) => e.action === 'server.bind_roots_changed')?.metadata).toEqual({ before: [], after: [root] });
  });

  it('takes the deploy strategy rolling (the default) or recreate, refusing anything else naming the field', async () => {
    expect((await asOwner<ApplicationDto>('GET', `/api/v1/applications/${sample.app.id}`)).body.deployStrategy).toBe('rolling');
    for (const deployStrategy of ['blue-green', '', 'Recreate', 1, ...injectionPayloads(canary)]) {
      const refused = await asOwner<ProblemDetails>('PATCH', `/api/v1/applications/${sample.app.id}`, { deployStrategy });
      expect([refused.status, fieldsOf(refused.body)]).toEqual([400, ['deployStrategy']]);
    }
    const recreate = await asOwner<ApplicationDto>('PATCH', `/api/v1/applications/${sample.app.id}`, { deployStrategy: 'recreate' });
    expect(recreate.body.deployStrategy).toBe('recreate');
    expect((await asOwner<ApplicationDto>('PATCH', `/api/v1/applications/${sample.app.id}`, { deployStrategy: 'rolling' })).body.deployStrategy).toBe(
      'rolling',
    );
  });

  it("shows a preview the previewed application's volumes as its own Docker volumes, and refuses changing them on the preview", async () => {
    const id = sample.app.id;
    const volume = (await asOwner<VolumeDto>('POST', `/api/v1/applications/${id}/volumes`, { name: 'cache', mountPath: '/cache' })).body;
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      // A preview as a pull request would leave it (previews.e2e-spec.ts makes real ones).
      const previewId = (
        await db.query(
          `INSERT INTO applications (team_id, project_id, environment_id, server_id, name, build_pack, git_url, git_branch, port, health_check, preview_of_id, preview_number, preview_provider, preview_ref, preview_title)
           SELECT team_id, project_id, environment_id, server_id, 'volumes-pr-7', build_pack, git_url, git_branch, port, health_check, id, 7, 'github', 'refs/pull/7/head', 'Volumes' FROM applications WHERE id = $1 RETURNING id`,
          [id],
        )
      ).rows[0].id as string;
      expect((await volumesOf(previewId)).body).toEqual([
        { ...volume, applicationId: previewId, dockerName: `${suite.stack.dockerNamespace}-volume-${previewId.replace(/-/g, '')}-cache` },
      ]);
      const refused = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${previewId}/volumes`, { name: 'other', mountPath: '/other' });
      expect(refused.status).toBe(409);
      await db.query(`DELETE FROM applications WHERE id = $1`, [previewId]);
    } finally {
      await db.end();
    }
    expect((await asOwner('DELETE', `/api/v1/applications/${id}/volumes/${volume.id}`)).status).toBe(204);
  });

  it('never returns a secret file, nor puts it in the audit log; a plain one is returned', async () => {
    const id = sample.app.id;
    const secret = await asOwner<MountDto>('POST', `/api/v1/applications/${id}/mounts`, {
      kind: 'file',
      mountPath: '/etc/app/secret.env',
      content: 'API_KEY=never-returned-3d9f\n',
      secret: true,
    });
    expect(secret.status).toBe(201);
    expect(secret.body).toMatchObject({ kind: 'file', secret: true, content: null, readOnly: true });
    const plain = await asOwner<MountDto>('POST', `/api/v1/applications/${id}/mounts`, {
      kind: 'file',
      mountPath: '/etc/app/plain.yml',
      content: 'a: 1\n',
    });
    expect(plain.body.content).toBe('a: 1\n');
    const listed = await mountsOf(id);
    expect(listed.text).not.toContain('never-returned-3d9f');
    const unsecret = await asOwner<ProblemDetails>('PATCH', `/api/v1/applications/${id}/mounts/${secret.body.id}`, { secret: false });
    expect([unsecret.status, fieldsOf(unsecret.body)]).toEqual([400, ['content']]);
    const changed = await asOwner<MountDto>('PATCH', `/api/v1/applications/${id}/mounts/${secret.body.id}`, { mountPath: '/etc/app/secret2.env' });
    expect(changed.body).toMatchObject({ mountPath: '/etc/app/secret2.env', secret: true, content: null });
    const audit = await asOwner<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?perPage=100');
    expect(audit.text).not.toContain('never-returned-3d9f');
    for (const m of [secret.body, plain.body]) expect((await asOwner('DELETE', `/api/v1/applications/${id}/mounts/${m.id}`)).status).toBe(204);
  });

  it('creates the volume at the first deployment with its size; deleting the application keeps it as orphaned until removed, or removes it with deleteVolumes', async () => {
    const app = await createApplication(asOwner, sample.server.id, {
      name: 'keeper',
      buildPack: 'dockerfile',
      gitUrl: sample.repo.url,
      gitBranch: sample.repo.branch,
      port: 8080,
    });
    const volume = (await asOwner<VolumeDto>('POST', `/api/v1/applications/${app.id}/volumes`, { name: 'data', mountPath: '/data' })).body;
    expect(volume.dockerName).toBe(`${suite.stack.dockerNamespace}-volume-${app.id.replace(/-/g, '')}-data`);
    expect((await asOwner<VolumeUsageDto[]>('GET', `/api/v1/applications/${app.id}/volumes/usage`)).body).toEqual([
      { name: 'data', dockerName: volume.dockerName, exists: false, sizeBytes: null },
    ]);
    const deployment = (await asOwner<DeploymentDto>('POST', `/api/v1/applications/${app.id}/deployments`, {})).body;
    expect(await deploymentFinished(asOwner, deployment.id)).toMatchObject({ status: 'success' });
    const usage = (await asOwner<VolumeUsageDto[]>('GET', `/api/v1/applications/${app.id}/volumes/usage`)).body;
    expect(usage).toEqual([{ name: 'data', dockerName: volume.dockerName, exists: true, sizeBytes: expect.any(Number) }]);

    expect((await asOwner('DELETE', `/api/v1/applications/${app.id}`)).status).toBe(204);
    const orphans = await waitFor(
      async () => {
        const listed = (await asOwner<OrphanedVolumeDto[]>('GET', `/api/v1/servers/${sample.server.id}/volumes/orphaned`)).body;
        // Listed once the clean-up has removed the container that held it.
        return dockerCli('ps', '-aq', '--filter', `label=zpanel.application=${app.id}`) === '' && listed.length > 0 ? listed : undefined;
      },
      30_000,
      'the orphaned volume',
    );
    expect(orphans).toEqual([
      { dockerName: volume.dockerName, applicationId: app.id, name: 'data', sizeBytes: expect.any(Number), createdAt: expect.any(String) },
    ]);
    const badName = await asOwner<ProblemDetails>('DELETE', `/api/v1/servers/${sample.server.id}/volumes/${encodeURIComponent('../etc')}`);
    expect(badName.status).toBe(400);
    expect((await asOwner('DELETE', `/api/v1/servers/${sample.server.id}/volumes/${volume.dockerName}`)).status).toBe(204);
    expect(dockerCli('volume', 'ls', '-q', '--filter', `name=${volume.dockerName}`)).toBe('');
    expect((await asOwner<OrphanedVolumeDto[]>('GET', `/api/v1/servers/${sample.server.id}/volumes/orphaned`)).body).toEqual([]);

    // With deleteVolumes the clean-up takes the volume too.
    const other = await createApplication(asOwner, sample.server.id, {
      name: 'dropper',
      buildPack: 'dockerfile',
      gitUrl: sample.repo.url,
      gitBranch: sample.repo.branch,
      port: 8080,
    });
    const dropped = (await asOwner<VolumeDto>('POST', `/api/v1/applications/${other.id}/volumes`, { name: 'data', mountPath: '/data' })).body;
    const second = (await asOwner<DeploymentDto>('POST', `/api/v1/applications/${other.id}/deployments`, {})).body;
    expect(await deploymentFinished(asOwner, second.id)).toMatchObject({ status: 'success' });
    expect(dockerCli('volume', 'ls', '-q', '--filter', `name=${dropped.dockerName}`)).toBe(dropped.dockerName);
    expect((await asOwner('DELETE', `/api/v1/applications/${other.id}?deleteVolumes=true`)).status).toBe(204);
    await waitFor(
      async () => dockerCli('volume', 'ls', '-q', '--filter', `name=${dropped.dockerName}`) === '' || undefined,
      30_000,
      'the volume removed',
    );
  });
});
