import {
  APPLICATION_DEFAULTS,
  type ApplicationDto,
  type AuditEventDto,
  type CreatedApiTokenResponse,
  ENV_VALUE_MAX_BYTES,
  type EnvVarDto,
  type EnvironmentDto,
  type GeneratedDeployKeyResponse,
  type Paginated,
  type ProblemDetails,
  type ProjectDto,
  Role,
  type ServerDto,
  type SshKeyDto,
  TEAM_HEADER,
} from '@zpanel/contracts';
import { formatDotenv, generateSshKeyPair, injectionPayloads, knownHostsFingerprints } from '@zpanel/core';
import { ApplicationsRepository, buildDataSourceOptions, teamScope } from '@zpanel/database';
import { seedDatabase, seedEnvironment, seedTeamWithServer } from '@zpanel/database/testing';
import { joinTeam, useOwnedStack } from '@zpanel/testing';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** Values that break naive quoting, expansion or line handling: each must come back byte for byte. */
const TRICKY_VALUES: Record<string, string> = {
  QUOTES_AND_DOLLARS: 'a"b\'c $HOME \n newline\\',
  COMMENT_LIKE: 'value # not a comment',
  SPACES: '  leading and trailing  ',
  CRLF_TAB: 'one\r\ntwo\tthree',
  EXPANSION: '${PATH:-$(touch /tmp/zp-pwned-env)} `id`',
  UNICODE: 'caf\u00e9 \u{1F600} \u4e2d',
  EQUALS: 'k=v&x==y',
  EMPTY: '',
  BACKSLASHES: '\\n is not a newline \\\\ \\"',
};

describe('projects, environments, applications and variables (built api)', () => {
  const suite = useOwnedStack();
  const { asOwner, inTeam: call } = suite;
  let viewer: { accessToken: string; userId: string };
  let member: { accessToken: string; userId: string };
  let readToken: string;
  let keyId: string;
  let serverId: string;
  let otherServerId: string;

  /** The distinct fields a 4xx names (one field may fail several constraints). */
  const fieldsOf = (r: { body: unknown }) => [...new Set(((r.body as ProblemDetails).errors ?? []).map((e) => e.field))];
  const messagesOf = (r: { body: unknown }) => ((r.body as ProblemDetails).errors ?? []).map((e) => e.message);

  const createProject = async (name: string) => {
    const r = await asOwner<ProjectDto>('POST', '/api/v1/projects', { name });
    expect(r.status).toBe(201);
    return r.body;
  };
  const environmentsOf = async (projectId: string) =>
    (await asOwner<Paginated<EnvironmentDto>>('GET', `/api/v1/projects/${projectId}/environments`)).body.items;
  const imageApp = (environmentId: string, overrides: Record<string, unknown> = {}) => ({
    environmentId,
    serverId,
    name: 'web',
    buildPack: 'image',
    imageReference: 'nginx:1.27',
    port: 80,
    ...overrides,
  });
  const gitApp = (environmentId: string, overrides: Record<string, unknown> = {}) => ({
    environmentId,
    serverId,
    name: 'shop',
    buildPack: 'dockerfile',
    gitUrl: 'https://github.com/acme/shop.git',
    gitBranch: 'main',
    port: 3000,
    ...overrides,
  });
  const createApp = async (body: Record<string, unknown>) => {
    const r = await asOwner<ApplicationDto>('POST', '/api/v1/applications', body);
    expect({ status: r.status, errors: (r.body as unknown as ProblemDetails).errors }).toEqual({ status: 201, errors: undefined });
    return r.body;
  };
  const appCount = async () => (await asOwner<Paginated<ApplicationDto>>('GET', '/api/v1/applications?perPage=1')).body.total;

  const register = (email: string, role: Role) => joinTeam(call, suite.owner, email, role, { password: 'applications suite passphrase' });

  beforeAll(async () => {
    keyId = (await asOwner<SshKeyDto>('POST', '/api/v1/ssh-keys', { name: 'deploy' })).body.id;
    serverId = (await asOwner<ServerDto>('POST', '/api/v1/servers', { name: 'web-1', host: '192.0.2.10', sshKeyId: keyId })).body.id;
    otherServerId = (await asOwner<ServerDto>('POST', '/api/v1/servers', { name: 'web-2', host: '192.0.2.11', sshKeyId: keyId })).body.id;
    viewer = await register('viewer@example.com', Role.Viewer);
    member = await register('member@example.com', Role.Member);
    readToken = (
      await asOwner<CreatedApiTokenResponse>('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, { name: 'read only', abilities: ['read'] })
    ).body.token;
  });

  it('documents every route in the OpenAPI document, with examples for the bodies', async () => {
    type Operation = { summary?: string; responses: Record<string, unknown>; requestBody?: unknown };
    const doc = (await (await fetch(`${suite.stack.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, { properties: Record<string, { example?: unknown }> }> };
    };
    // Deployment routes under /applications are checked by the deployments suite.
    const ours = Object.entries(doc.paths).filter(
      ([path]) =>
        /^\/api\/v1\/(projects|environments|applications)/.test(path) &&
        !path.includes('/deployments') &&
        !path.includes('/webhook') &&
        !path.includes('/preview'),
    );
    const operations = ours.flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    // 8 of them are the volumes and mounts (volumes.e2e-spec.ts).
    expect(operations).toHaveLength(31);
    for (const { route, op } of operations) {
      expect({ route, summary: Boolean(op.summary), success: Object.keys(op.responses).some((status) => /^2/.test(status)) }).toEqual({
        route,
        summary: true,
        success: true,
      });
    }
    for (const schema of [
      'CreateProjectDto',
      'CreateEnvironmentDto',
      'CreateApplicationDto',
      'HealthCheckDto',
      'UpsertEnvVarDto',
      'BulkEnvDto',
      'ProjectDoc',
      'ApplicationDoc',
      'EnvVarDoc',
    ]) {
      const withoutExample = Object.entries(doc.components.schemas[schema].properties)
        .filter(([, property]) => property.example === undefined && !('$ref' in property) && !('format' in property))
        .map(([name]) => name);
      expect({ schema, withoutExample }).toEqual({ schema, withoutExample: [] });
    }
  });

  describe('projects and environments', () => {
    it('creates a project with its production environment, lists it with counts, and renames it', async () => {
      const project = await createProject('Shop');
      expect(project).toMatchObject({ name: 'Shop', description: '', environmentCount: 1, applicationCount: 0, teamId: suite.owner.teamId });
      expect(await environmentsOf(project.id)).toEqual([expect.objectContaining({ name: 'production', projectId: project.id, applicationCount: 0 })]);

      const taken = await asOwner('POST', '/api/v1/projects', { name: '  shop ' });
      expect(taken.status).toBe(409);
      expect(fieldsOf(taken)).toEqual(['name']);
      expect(fieldsOf(await asOwner('POST', '/api/v1/projects', { name: 'bad\u0000name' }))).toEqual(['name']);
      expect(fieldsOf(await asOwner('POST', '/api/v1/projects', { name: '' }))).toEqual(['name']);

      await createProject('Blog');
      const page = (await asOwner<Paginated<ProjectDto>>('GET', '/api/v1/projects?perPage=1&page=2')).body;
      expect(page).toMatchObject({ total: 2, perPage: 1, page: 2, items: [expect.objectContaining({ name: 'Shop' })] });

      const renamed = await asOwner<ProjectDto>('PATCH', `/api/v1/projects/${project.id}`, { name: 'Storefront', description: 'the shop' });
      expect(renamed.body).toMatchObject({ name: 'Storefront', description: 'the shop', environmentCount: 1 });
      expect(fieldsOf(await asOwner('PATCH', `/api/v1/projects/${project.id}`, { name: 'Blog' }))).toEqual(['name']);
      expect(fieldsOf(await asOwner('PATCH', `/api/v1/projects/${project.id}`, { name: null }))).toEqual(['name']);

      const audit = (await asOwner<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?action=project.created')).body;
      expect(audit.items.map((e) => e.target?.id)).toContain(project.id);
    });

    it('adds environments, refuses duplicates, and never deletes the last one or one with applications', async () => {
      const project = await createProject('Environments');
      const [production] = await environmentsOf(project.id);
      const staging = await asOwner<EnvironmentDto>('POST', `/api/v1/projects/${project.id}/environments`, { name: 'staging' });
      expect(staging.status).toBe(201);
      expect(staging.body).toMatchObject({ name: 'staging', projectId: project.id, applicationCount: 0 });
      const duplicate = await asOwner('POST', `/api/v1/projects/${project.id}/environments`, { name: 'staging' });
      expect(duplicate.status).toBe(409);
      expect(fieldsOf(duplicate)).toEqual(['name']);
      for (const name of ['Staging', '-x', 'a b', '$(touch /tmp/x)', 'x'.repeat(41)]) {
        expect(fieldsOf(await asOwner('POST', `/api/v1/projects/${project.id}/environments`, { name }))).toEqual(['name']);
      }
      expect((await asOwner<ProjectDto>('GET', `/api/v1/projects/${project.id}`)).body.environmentCount).toBe(2);

      await createApp(imageApp(staging.body.id, { name: 'env-user' }));
      const busy = await asOwner<ProblemDetails>('DELETE', `/api/v1/environments/${staging.body.id}`);
      expect(busy.status).toBe(409);
      expect(busy.body.detail).toMatch(/application/);

      expect((await asOwner('DELETE', `/api/v1/environments/${production.id}`)).status).toBe(204);
      const last = await asOwner<ProblemDetails>('DELETE', `/api/v1/environments/${staging.body.id}`);
      expect(last.status).toBe(409);
      expect(await environmentsOf(project.id)).toEqual([expect.objectContaining({ id: staging.body.id, applicationCount: 1 })]);
    });

    it('refuses deleting a project while it has applications, then deletes it with its environments', async () => {
      const project = await createProject('Doomed');
      const [production] = await environmentsOf(project.id);
      const app = await createApp(imageApp(production.id, { name: 'doomed' }));
      expect((await asOwner<ProjectDto>('GET', `/api/v1/projects/${project.id}`)).body.applicationCount).toBe(1);
      expect((await asOwner('DELETE', `/api/v1/projects/${project.id}`)).status).toBe(409);
      expect((await asOwner('DELETE', `/api/v1/applications/${app.id}`)).status).toBe(204);
      expect((await asOwner('DELETE', `/api/v1/projects/${project.id}`)).status).toBe(204);
      expect((await asOwner('GET', `/api/v1/projects/${project.id}`)).status).toBe(404);
      expect((await asOwner('GET', `/api/v1/projects/${project.id}/environments`)).status).toBe(404);
      const actions = (await asOwner<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?perPage=100')).body.items
        .filter((e) => e.target?.id === project.id || e.target?.id === app.id)
        .map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['project.created', 'project.deleted', 'application.created', 'application.deleted']));
    });
  });

  describe('applications', () => {
    let environmentId: string;
    let projectId: string;

    beforeAll(async () => {
      const project = await createProject('Apps');
      projectId = project.id;
      environmentId = (await environmentsOf(project.id))[0].id;
    });

    it('creates a dockerfile application with every setting, and an image one with the defaults', async () => {
      const full = await createApp(
        gitApp(environmentId, {
          description: 'storefront',
          deployKeyId: keyId,
          dockerfilePath: 'docker/Dockerfile.prod',
          buildTarget: 'runtime',
          baseDirectory: 'services/shop',
          domains: ['Shop.Example.com', 'www.shop.example.com'],
          healthCheck: { type: 'http', path: '/healthz?full=1', startPeriodSeconds: 30, intervalSeconds: 5, timeoutSeconds: 3, retries: 5 },
          restartPolicy: 'on-failure',
          cpuLimit: 1.5,
          memoryLimitMb: 512,
          stopGraceSeconds: 30,
          keepImages: 5,
        }),
      );
      expect(full).toMatchObject({
        projectId,
        environmentId,
        serverId,
        name: 'shop',
        buildPack: 'dockerfile',
        gitUrl: 'https://github.com/acme/shop.git',
        gitBranch: 'main',
        deployKeyId: keyId,
        dockerfilePath: 'docker/Dockerfile.prod',
        buildTarget: 'runtime',
        baseDirectory: 'services/shop',
        imageReference: null,
        port: 3000,
        domains: ['shop.example.com', 'www.shop.example.com'],
        healthCheck: { type: 'http', path: '/healthz?full=1', startPeriodSeconds: 30, intervalSeconds: 5, timeoutSeconds: 3, retries: 5 },
        restartPolicy: 'on-failure',
        cpuLimit: 1.5,
        memoryLimitMb: 512,
        stopGraceSeconds: 30,
        keepImages: 5,
      });
      expect((await asOwner<ApplicationDto>('GET', `/api/v1/applications/${full.id}`)).body).toEqual(full);

      const minimal = await createApp(imageApp(environmentId, { name: 'cache', imageReference: 'redis:7' }));
      expect(minimal).toMatchObject({
        buildPack: 'image',
        imageReference: 'redis:7',
        gitUrl: null,
        gitBranch: null,
        deployKeyId: null,
        dockerfilePath: APPLICATION_DEFAULTS.dockerfilePath,
        baseDirectory: APPLICATION_DEFAULTS.baseDirectory,
        buildTarget: null,
        domains: [],
        healthCheck: APPLICATION_DEFAULTS.healthCheck,
        restartPolicy: APPLICATION_DEFAULTS.restartPolicy,
        cpuLimit: null,
        memoryLimitMb: null,
        stopGraceSeconds: APPLICATION_DEFAULTS.stopGraceSeconds,
        keepImages: APPLICATION_DEFAULTS.keepImages,
      });
      const audit = (await asOwner<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?action=application.created')).body;
      expect(audit.items.map((e) => e.target?.id)).toEqual(expect.arrayContaining([full.id, minimal.id]));
    });

    it('lists applications paginated, filtered by project or environment', async () => {
      const other = await createProject('Other apps');
      const otherEnvironment = (await environmentsOf(other.id))[0].id;
      await createApp(imageApp(otherEnvironment, { name: 'elsewhere' }));
      const byProject = (await asOwner<Paginated<ApplicationDto>>('GET', `/api/v1/applications?projectId=${projectId}`)).body;
      expect(byProject.items.every((a) => a.projectId === projectId)).toBe(true);
      expect(byProject.total).toBeGreaterThanOrEqual(2);
      const byEnvironment = (await asOwner<Paginated<ApplicationDto>>('GET', `/api/v1/applications?environmentId=${otherEnvironment}`)).body;
      expect(byEnvironment.items.map((a) => a.name)).toEqual(['elsewhere']);
      const page = (await asOwner<Paginated<ApplicationDto>>('GET', '/api/v1/applications?perPage=1&page=2')).body;
      expect(page).toMatchObject({ perPage: 1, page: 2, total: await appCount() });
      expect(page.items).toHaveLength(1);
      expect(fieldsOf(await asOwner('GET', '/api/v1/applications?projectId=nope'))).toEqual(['projectId']);
      expect((await asOwner<ProjectDto>('GET', `/api/v1/projects/${other.id}`)).body.applicationCount).toBe(1);
    });

    it('refuses what the build pack lacks, out-of-bounds numbers and bad health checks, naming each field', async () => {
      const before = await appCount();
      const refused: Array<[Record<string, unknown>, string[]]> = [
        [gitApp(environmentId, { name: 'no-url', gitUrl: undefined }), ['gitUrl']],
        [gitApp(environmentId, { name: 'no-branch', gitBranch: undefined }), ['gitBranch']],
        [imageApp(environmentId, { name: 'no-image', imageReference: undefined }), ['imageReference']],
        [imageApp(environmentId, { buildPack: 'compose' }), ['buildPack']],
        [imageApp(environmentId, { port: 0 }), ['port']],
        [imageApp(environmentId, { port: 65536 }), ['port']],
        [imageApp(environmentId, { port: '80' }), ['port']],
        [imageApp(environmentId, { cpuLimit: 0 }), ['cpuLimit']],
        [imageApp(environmentId, { cpuLimit: 0.001 }), ['cpuLimit']],
        [imageApp(environmentId, { cpuLimit: 257 }), ['cpuLimit']],
        [imageApp(environmentId, { memoryLimitMb: 5 }), ['memoryLimitMb']],
        [imageApp(environmentId, { memoryLimitMb: 1_048_577 }), ['memoryLimitMb']],
        [imageApp(environmentId, { stopGraceSeconds: -1 }), ['stopGraceSeconds']],
        [imageApp(environmentId, { stopGraceSeconds: 3601 }), ['stopGraceSeconds']],
        [imageApp(environmentId, { keepImages: 0 }), ['keepImages']],
        [imageApp(environmentId, { keepImages: 51 }), ['keepImages']],
        [imageApp(environmentId, { restartPolicy: 'sometimes' }), ['restartPolicy']],
        [imageApp(environmentId, { healthCheck: { type: 'http' } }), ['healthCheck.path']],
        [imageApp(environmentId, { healthCheck: { type: 'http', path: 'healthz' } }), ['healthCheck.path']],
        [imageApp(environmentId, { healthCheck: { type: 'http', path: '/a b' } }), ['healthCheck.path']],
        [imageApp(environmentId, { healthCheck: { type: 'http', path: '/$(touch /tmp/x)' } }), ['healthCheck.path']],
        [imageApp(environmentId, { healthCheck: { type: 'exec' } }), ['healthCheck.type']],
        [
          imageApp(environmentId, { healthCheck: { retries: 0, intervalSeconds: 301, timeoutSeconds: 0, startPeriodSeconds: 601 } }),
          ['healthCheck.startPeriodSeconds', 'healthCheck.intervalSeconds', 'healthCheck.timeoutSeconds', 'healthCheck.retries'],
        ],
        [imageApp(environmentId, { healthCheck: 'off' }), ['healthCheck']],
        [imageApp(environmentId, { domains: Array.from({ length: 21 }, (_, i) => `d${i}.example.com`) }), ['domains']],
        [imageApp(environmentId, { domains: ['a.example.com', 'A.example.com'] }), ['domains']],
        [imageApp(environmentId, { domains: ['localhost'] }), ['domains']],
        [imageApp(environmentId, { domains: 'a.example.com' }), ['domains']],
        [imageApp(environmentId, { serverId: 'not-a-uuid' }), ['serverId']],
        [imageApp(environmentId, { unknownField: 1 }), ['unknownField']],
        [gitApp(environmentId, { name: 'dot-dockerfile', dockerfilePath: '.' }), ['dockerfilePath']],
      ];
      for (const [body, fields] of refused) {
        const r = await asOwner('POST', '/api/v1/applications', body);
        expect({ body, status: r.status, fields: fieldsOf(r).sort() }).toEqual({ body, status: 400, fields: [...fields].sort() });
      }
      expect(await appCount()).toBe(before);
    });

    it('changes only what a PATCH sends, replaces domains as a set, and keeps the environment and server fixed', async () => {
      const app = await createApp(imageApp(environmentId, { name: 'patchy', domains: ['one.example.com', 'two.example.com'] }));
      const patched = await asOwner<ApplicationDto>('PATCH', `/api/v1/applications/${app.id}`, {
        domains: ['two.example.com', 'three.example.com'],
        healthCheck: { type: 'http', path: '/ready' },
        cpuLimit: 0.25,
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        name: 'patchy',
        imageReference: 'nginx:1.27',
        domains: ['three.example.com', 'two.example.com'],
        healthCheck: { ...APPLICATION_DEFAULTS.healthCheck, type: 'http', path: '/ready' },
        cpuLimit: 0.25,
      });
      // The freed domain is free for anyone again.
      await createApp(imageApp(environmentId, { name: 'taker', domains: ['one.example.com'] }));

      const tcp = await asOwner<ApplicationDto>('PATCH', `/api/v1/applications/${app.id}`, {
        healthCheck: { type: 'tcp' },
        cpuLimit: null,
        domains: [],
      });
      expect(tcp.body).toMatchObject({ healthCheck: { type: 'tcp', path: null }, cpuLimit: null, domains: [] });

      expect(fieldsOf(await asOwner('PATCH', `/api/v1/applications/${app.id}`, { buildPack: 'dockerfile' })).sort()).toEqual(['gitBranch', 'gitUrl']);
      expect(fieldsOf(await asOwner('PATCH', `/api/v1/applications/${app.id}`, { healthCheck: { type: 'http' } }))).toEqual(['healthCheck.path']);
      expect(fieldsOf(await asOwner('PATCH', `/api/v1/applications/${app.id}`, { environmentId }))).toEqual(['environmentId']);
      expect(fieldsOf(await asOwner('PATCH', `/api/v1/applications/${app.id}`, { serverId: otherServerId }))).toEqual(['serverId']);
      expect(fieldsOf(await asOwner('PATCH', `/api/v1/applications/${app.id}`, { name: null }))).toEqual(['name']);
      expect(fieldsOf(await asOwner('PATCH', `/api/v1/applications/${app.id}`, { imageReference: null }))).toEqual(['imageReference']);

      const switched = await asOwner<ApplicationDto>('PATCH', `/api/v1/applications/${app.id}`, {
        buildPack: 'dockerfile',
        gitUrl: 'git@github.com:acme/patchy.git',
        gitBranch: 'release/1.x',
      });
      expect(switched.body).toMatchObject({
        buildPack: 'dockerfile',
        gitUrl: 'git@github.com:acme/patchy.git',
        gitBranch: 'release/1.x',
        serverId,
        environmentId,
      });
      const audit = (await asOwner<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?action=application.updated')).body;
      expect(audit.items.find((e) => e.target?.id === app.id)?.metadata).toMatchObject({
        changed: expect.arrayContaining(['buildPack', 'gitUrl', 'gitBranch']),
      });
    });

    it('keeps names unique per server only', async () => {
      await createApp(imageApp(environmentId, { name: 'twin' }));
      const again = await asOwner('POST', '/api/v1/applications', imageApp(environmentId, { name: 'twin' }));
      expect(again.status).toBe(409);
      expect(fieldsOf(again)).toEqual(['name']);
      const other = await createApp(imageApp(environmentId, { name: 'twin', serverId: otherServerId }));
      expect(other.serverId).toBe(otherServerId);
      const rename = await asOwner('PATCH', `/api/v1/applications/${other.id}`, { name: 'twin-2' });
      expect(rename.status).toBe(200);
    });

    it('refuses deleting a server an application runs on, or a key it deploys with', async () => {
      const key = (await asOwner<SshKeyDto>('POST', '/api/v1/ssh-keys', { name: 'deploy only' })).body;
      const server = (await asOwner<ServerDto>('POST', '/api/v1/servers', { name: 'busy', host: '192.0.2.12', sshKeyId: keyId })).body;
      const app = await createApp(gitApp(environmentId, { name: 'pinned', serverId: server.id, deployKeyId: key.id }));
      expect((await asOwner('DELETE', `/api/v1/servers/${server.id}`)).status).toBe(409);
      expect((await asOwner('DELETE', `/api/v1/ssh-keys/${key.id}`)).status).toBe(409);
      expect((await asOwner('DELETE', `/api/v1/applications/${app.id}`)).status).toBe(204);
      expect((await asOwner('GET', `/api/v1/applications/${app.id}`)).status).toBe(404);
      expect((await asOwner('DELETE', `/api/v1/servers/${server.id}`)).status).toBe(204);
      expect((await asOwner('DELETE', `/api/v1/ssh-keys/${key.id}`)).status).toBe(204);
    });

    it('refuses every injection payload in every field that reaches git, Docker or the proxy, naming it and storing nothing', async () => {
      const canary = '/tmp/zp-pwned-applications';
      const before = await appCount();
      const cases: Array<[string, (payload: string) => Record<string, unknown>]> = [
        ['name', (p) => gitApp(environmentId, { name: p })],
        ['gitUrl', (p) => gitApp(environmentId, { name: 'inj', gitUrl: p })],
        ['gitBranch', (p) => gitApp(environmentId, { name: 'inj', gitBranch: p })],
        ['dockerfilePath', (p) => gitApp(environmentId, { name: 'inj', dockerfilePath: p })],
        ['buildTarget', (p) => gitApp(environmentId, { name: 'inj', buildTarget: p })],
        ['baseDirectory', (p) => gitApp(environmentId, { name: 'inj', baseDirectory: p })],
        ['imageReference', (p) => imageApp(environmentId, { name: 'inj', imageReference: p })],
        ['domains', (p) => imageApp(environmentId, { name: 'inj', domains: [p] })],
      ];
      const target = (await createApp(imageApp(environmentId, { name: 'inj-target' }))).id;
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const [field, body] of cases) {
        for (const payload of [...injectionPayloads(canary), 'nul\u0000byte', 'ext::sh -c touch% /tmp/x', '-uhttps://x']) {
          const label = `${field} ${JSON.stringify(payload.slice(0, 30))}`;
          const created = await asOwner('POST', '/api/v1/applications', body(payload));
          const { environmentId: _e, serverId: _s, ...update } = body(payload);
          const patched = await asOwner('PATCH', `/api/v1/applications/${target}`, field === 'name' ? { name: payload } : update);
          outcomes.push(`${label}: POST ${created.status} ${fieldsOf(created).join(',')}; PATCH ${patched.status} ${fieldsOf(patched).join(',')}`);
          // A NUL is refused at the edge, before the DTO, which names the array element itself.
          const named = field === 'domains' && payload.includes('\u0000') ? 'domains.0' : field;
          expected.push(`${label}: POST 400 ${named}; PATCH 400 ${named}`);
        }
      }
      expect(outcomes).toEqual(expected);
      expect(await appCount()).toBe(before + 1);
      expect((await asOwner<ApplicationDto>('GET', `/api/v1/applications/${target}`)).body).toMatchObject({
        name: 'inj-target',
        imageReference: 'nginx:1.27',
        domains: [],
      });
      expect(existsSync(canary)).toBe(false);
    });
  });

  describe('across teams', () => {
    let otherTeam: string;
    let theirs: { environmentId: string; serverId: string; keyId: string };
    let ourEnvironment: string;

    beforeAll(async () => {
      otherTeam = (await asOwner<{ teamId: string }>('POST', '/api/v1/teams', { name: 'Neighbours' })).body.teamId;
      const inOther = { [TEAM_HEADER]: otherTeam };
      const key = (await call<SshKeyDto>('POST', '/api/v1/ssh-keys', suite.owner.accessToken, { name: 'theirs' }, inOther)).body;
      const server = (
        await call<ServerDto>(
          'POST',
          '/api/v1/servers',
          suite.owner.accessToken,
          { name: 'their-server', host: '192.0.2.20', sshKeyId: key.id },
          inOther,
        )
      ).body;
      const project = (await call<ProjectDto>('POST', '/api/v1/projects', suite.owner.accessToken, { name: 'Theirs' }, inOther)).body;
      const environments = (
        await call<Paginated<EnvironmentDto>>('GET', `/api/v1/projects/${project.id}/environments`, suite.owner.accessToken, undefined, inOther)
      ).body;
      theirs = { environmentId: environments.items[0].id, serverId: server.id, keyId: key.id };
      ourEnvironment = (await environmentsOf((await createProject('Ours')).id))[0].id;
    });

    it("refuses another team's environment, server or deploy key as if they did not exist, storing nothing", async () => {
      const before = await appCount();
      const cases: Array<[Record<string, unknown>, string]> = [
        [imageApp(theirs.environmentId, { name: 'cross' }), 'environmentId'],
        [imageApp(ourEnvironment, { name: 'cross', serverId: theirs.serverId }), 'serverId'],
        [gitApp(ourEnvironment, { name: 'cross', deployKeyId: theirs.keyId }), 'deployKeyId'],
      ];
      for (const [body, field] of cases) {
        const r = await asOwner('POST', '/api/v1/applications', body);
        expect({ field, status: r.status, fields: fieldsOf(r) }).toEqual({ field, status: 400, fields: [field] });
      }
      const app = await createApp(gitApp(ourEnvironment, { name: 'cross-patch' }));
      expect(fieldsOf(await asOwner('PATCH', `/api/v1/applications/${app.id}`, { deployKeyId: theirs.keyId }))).toEqual(['deployKeyId']);
      expect(await appCount()).toBe(before + 1);
      expect((await asOwner<ApplicationDto>('GET', `/api/v1/applications/${app.id}`)).body.deployKeyId).toBeNull();
    });

    it('keeps a domain unique across the whole instance, whichever team asks', async () => {
      await createApp(imageApp(ourEnvironment, { name: 'claimed', domains: ['claimed.example.com'] }));
      const inOther = { [TEAM_HEADER]: otherTeam };
      const refused = await call<ProblemDetails>(
        'POST',
        '/api/v1/applications',
        suite.owner.accessToken,
        { ...imageApp(theirs.environmentId, { name: 'claimer', domains: ['ok.example.com', 'CLAIMED.example.com'] }), serverId: theirs.serverId },
        inOther,
      );
      expect(refused.status).toBe(409);
      expect(refused.body.errors).toEqual([{ field: 'domains', message: 'claimed.example.com is not available: another team has claimed it' }]);
      const theirApp = (
        await call<ApplicationDto>(
          'POST',
          '/api/v1/applications',
          suite.owner.accessToken,
          { ...imageApp(theirs.environmentId, { name: 'claimer', domains: ['ok.example.com'] }), serverId: theirs.serverId },
          inOther,
        )
      ).body;
      expect(theirApp.domains).toEqual(['ok.example.com']);
      const patched = await call<ProblemDetails>(
        'PATCH',
        `/api/v1/applications/${theirApp.id}`,
        suite.owner.accessToken,
        { domains: ['claimed.example.com'] },
        inOther,
      );
      expect(patched.status).toBe(409);
      expect(fieldsOf(patched)).toEqual(['domains']);
      expect(messagesOf(patched)).toEqual(['claimed.example.com is not available: another team has claimed it']);
      expect(
        (await call<ApplicationDto>('GET', `/api/v1/applications/${theirApp.id}`, suite.owner.accessToken, undefined, inOther)).body.domains,
      ).toEqual(['ok.example.com']);
    });

    it("gives a preview domain's names to the team that claimed them first, refusing other teams with a 409 that says nothing of whose they are", async () => {
      const inOther = { [TEAM_HEADER]: otherTeam };
      const theirCall = <T>(method: string, path: string, body?: unknown) => call<T>(method, path, suite.owner.accessToken, body, inOther);
      const theirApp = (overrides: Record<string, unknown>) => ({ ...imageApp(theirs.environmentId, overrides), serverId: theirs.serverId });
      const ours = await createApp(imageApp(ourEnvironment, { name: 'wildcard-owner', previewDomain: 'pv.ours-first.example.com' }));
      // Within the team, today's behaviour: its own names under its preview domain are its own business.
      expect((await createApp(imageApp(ourEnvironment, { name: 'wildcard-sibling', domains: ['pr-9.pv.ours-first.example.com'] }))).domains).toEqual([
        'pr-9.pv.ours-first.example.com',
      ]);

      const refusals: Array<[string, Record<string, unknown>, 'domains' | 'previewDomain', string]> = [
        [
          'an application domain under the preview wildcard',
          { name: 'wildcard-taker', domains: ['pr-1.pv.ours-first.example.com'] },
          'domains',
          'pr-1.pv.ours-first.example.com',
        ],
        [
          'the same preview domain',
          { name: 'wildcard-taker', previewDomain: 'pv.ours-first.example.com' },
          'previewDomain',
          'pv.ours-first.example.com',
        ],
        [
          'a preview domain under it',
          { name: 'wildcard-taker', previewDomain: 'x.pv.ours-first.example.com' },
          'previewDomain',
          'x.pv.ours-first.example.com',
        ],
        ['a preview domain over it', { name: 'wildcard-taker', previewDomain: 'ours-first.example.com' }, 'previewDomain', 'ours-first.example.com'],
      ];
      for (const [what, body, field, name] of refusals) {
        const refused = await theirCall<ProblemDetails>('POST', '/api/v1/applications', theirApp(body));
        expect({ what, status: refused.status, errors: refused.body.errors }).toEqual({
          what,
          status: 409,
          errors: [{ field, message: `${name} is not available: another team has claimed it` }],
        });
        expect(refused.text).not.toMatch(/wildcard-owner|wildcard-sibling/);
        expect(refused.text).not.toContain(suite.owner.teamId);
        expect(refused.text).not.toContain(ours.id);
      }
      expect((await theirCall<Paginated<ApplicationDto>>('GET', '/api/v1/applications?perPage=100')).body.items.map((a) => a.name)).not.toContain(
        'wildcard-taker',
      );

      // The other way round: their names first, then our preview domain over them is refused; a PATCH stores nothing.
      const theirsFirst = (
        await theirCall<ApplicationDto>(
          'POST',
          '/api/v1/applications',
          theirApp({ name: 'theirs-first', domains: ['shop.theirs-first.example.com'] }),
        )
      ).body;
      expect(theirsFirst.domains).toEqual(['shop.theirs-first.example.com']);
      const patched = await asOwner<ProblemDetails>('PATCH', `/api/v1/applications/${ours.id}`, { previewDomain: 'theirs-first.example.com' });
      expect(patched.status).toBe(409);
      expect(patched.body.errors).toEqual([
        { field: 'previewDomain', message: 'theirs-first.example.com is not available: another team has claimed it' },
      ]);
      expect(patched.text).not.toContain('shop.theirs-first.example.com');
      expect(patched.text).not.toContain(otherTeam);
      expect((await asOwner<ApplicationDto>('GET', `/api/v1/applications/${ours.id}`)).body.previewDomain).toBe('pv.ours-first.example.com');
      // A name nobody claimed is free for anyone.
      expect(
        (await theirCall<ApplicationDto>('POST', '/api/v1/applications', theirApp({ name: 'wildcard-free', domains: ['pr-1.pv.other.example.com'] })))
          .status,
      ).toBe(201);
    });

    it('lists only the team’s own projects and applications', async () => {
      const ours = (await asOwner<Paginated<ApplicationDto>>('GET', '/api/v1/applications?perPage=100')).body.items;
      expect(ours.every((a) => a.teamId === suite.owner.teamId)).toBe(true);
      expect(ours.map((a) => a.name)).not.toContain('claimer');
      const filtered = (await asOwner<Paginated<ApplicationDto>>('GET', `/api/v1/applications?environmentId=${theirs.environmentId}`)).body;
      expect(filtered.total).toBe(0);
      expect((await asOwner<Paginated<ProjectDto>>('GET', '/api/v1/projects?perPage=100')).body.items.map((p) => p.name)).not.toContain('Theirs');
    });
  });

  describe('environment variables', () => {
    let projectId: string;
    let environmentId: string;
    let appId: string;
    const secret = 'pa$$w0rd "quoted" \'single\' \n second line';

    const envOf = async (token = suite.owner.accessToken) => (await call<EnvVarDto[]>('GET', `/api/v1/applications/${appId}/env`, token)).body;
    const sealedValues = async () => {
      const db = new Client({ connectionString: suite.stack.databaseUrl });
      await db.connect();
      try {
        return (await db.query<{ key: string; value: string }>('SELECT key, value FROM env_vars')).rows;
      } finally {
        await db.end();
      }
    };

    beforeAll(async () => {
      const project = await createProject('Variables');
      projectId = project.id;
      environmentId = (await environmentsOf(project.id))[0].id;
      appId = (await createApp(imageApp(environmentId, { name: 'env-app' }))).id;
    });

    it('merges shared and own variables, the application winning, each with its scope', async () => {
      expect(
        (await asOwner<EnvVarDto>('PUT', `/api/v1/environments/${environmentId}/env/SHARED`, { value: 'from the environment', buildTime: true }))
          .body,
      ).toMatchObject({
        scope: 'environment',
        key: 'SHARED',
        value: 'from the environment',
        masked: false,
        buildTime: true,
        runtime: true,
      });
      await asOwner('PUT', `/api/v1/environments/${environmentId}/env/OVERRIDDEN`, { value: 'environment value' });
      const own = await asOwner<EnvVarDto>('PUT', `/api/v1/applications/${appId}/env/OVERRIDDEN`, { value: secret, runtime: true });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ scope: 'application', key: 'OVERRIDDEN', value: secret, buildTime: false, runtime: true });

      expect((await envOf()).map(({ key, scope, value }) => ({ key, scope, value }))).toEqual([
        { key: 'OVERRIDDEN', scope: 'application', value: secret },
        { key: 'SHARED', scope: 'environment', value: 'from the environment' },
      ]);
      expect((await asOwner<EnvVarDto[]>('GET', `/api/v1/environments/${environmentId}/env`)).body.map((v) => v.key)).toEqual([
        'OVERRIDDEN',
        'SHARED',
      ]);

      // Flags left out keep their value; both off is refused.
      expect(
        (await asOwner<EnvVarDto>('PUT', `/api/v1/applications/${appId}/env/OVERRIDDEN`, { value: secret, buildTime: true })).body,
      ).toMatchObject({ buildTime: true, runtime: true });
      const neither = await asOwner('PUT', `/api/v1/applications/${appId}/env/OVERRIDDEN`, { value: 'x', buildTime: false, runtime: false });
      expect(neither.status).toBe(400);
      expect(fieldsOf(neither)).toEqual(['runtime']);

      // Deleting the application's own variable lets the shared one through again.
      expect((await asOwner('DELETE', `/api/v1/applications/${appId}/env/OVERRIDDEN`)).status).toBe(204);
      expect((await asOwner('DELETE', `/api/v1/applications/${appId}/env/OVERRIDDEN`)).status).toBe(404);
      expect((await envOf()).find((v) => v.key === 'OVERRIDDEN')).toMatchObject({ scope: 'environment', value: 'environment value' });
      expect((await asOwner('DELETE', `/api/v1/environments/${environmentId}/env/OVERRIDDEN`)).status).toBe(204);
      expect((await envOf()).map((v) => v.key)).toEqual(['SHARED']);
    });

    it('stores values sealed and returns them byte-exact through PUT and through a bulk .env', async () => {
      for (const [key, value] of Object.entries(TRICKY_VALUES)) {
        const put = await asOwner<EnvVarDto>('PUT', `/api/v1/applications/${appId}/env/${key}`, { value });
        expect({ key, status: put.status, value: put.body.value }).toEqual({ key, status: 200, value });
      }
      const viaPut = Object.fromEntries((await envOf()).filter((v) => v.scope === 'application').map((v) => [v.key, v.value]));
      expect(viaPut).toEqual(TRICKY_VALUES);

      const stored = await sealedValues();
      expect(stored.length).toBeGreaterThanOrEqual(Object.keys(TRICKY_VALUES).length);
      for (const row of stored) expect(row.value).toMatch(/^v1\./);
      for (const value of Object.values(TRICKY_VALUES).filter((v) => v.length > 3))
        expect(stored.map((r) => r.value).join('\n')).not.toContain(value);

      const dotenv = `# edited as text\n${formatDotenv(Object.entries(TRICKY_VALUES).map(([key, value]) => ({ key: `BULK_${key}`, value })))}\n`;
      const bulk = await asOwner<EnvVarDto[]>('PUT', `/api/v1/applications/${appId}/env`, { dotenv, buildTime: true, runtime: false });
      expect(bulk.status).toBe(200);
      const own = bulk.body.filter((v) => v.scope === 'application');
      // The text replaced the application's own variables: the PUT ones are gone.
      expect(Object.fromEntries(own.map((v) => [v.key, v.value]))).toEqual(
        Object.fromEntries(Object.entries(TRICKY_VALUES).map(([k, v]) => [`BULK_${k}`, v])),
      );
      expect(own.every((v) => v.buildTime && !v.runtime)).toBe(true);
      expect(bulk.body.find((v) => v.key === 'SHARED')).toMatchObject({ scope: 'environment' });
      expect(existsSync('/tmp/zp-pwned-env')).toBe(false);
    });

    it('refuses a .env text with problems, one error per line, and changes nothing', async () => {
      const before = await envOf();
      const text = ['GOOD=1', 'no equals sign', 'GOOD=2', '1BAD=x', 'QUOTE="never closed', ''].join('\n');
      const r = await asOwner<ProblemDetails>('PUT', `/api/v1/applications/${appId}/env`, { dotenv: text });
      expect(r.status).toBe(400);
      expect(fieldsOf(r)).toEqual(['dotenv']);
      expect(messagesOf(r)).toEqual([
        expect.stringMatching(/^line 2: /),
        expect.stringMatching(/^line 3: GOOD: also set on line 1/),
        expect.stringMatching(/^line 4: 1BAD: /),
        expect.stringMatching(/^line 5: QUOTE: unterminated/),
      ]);
      const nul = await asOwner('PUT', `/api/v1/applications/${appId}/env`, { dotenv: 'A=ok\nB="nul\u0000inside"' });
      expect(fieldsOf(nul)).toEqual(['dotenv']);
      expect(messagesOf(nul)).toEqual(['dotenv must not contain a NUL character']);
      expect(fieldsOf(await asOwner('PUT', `/api/v1/applications/${appId}/env`, { dotenv: 'A=1', buildTime: false, runtime: false }))).toEqual([
        'runtime',
      ]);
      expect(await envOf()).toEqual(before);
    });

    it('refuses values no environment can carry, and keys that are not variable names', async () => {
      const before = await envOf();
      const refusedValues = [
        { value: 'a\u0000b' },
        { value: 'x'.repeat(ENV_VALUE_MAX_BYTES + 1) },
        { value: '\u00e9'.repeat(ENV_VALUE_MAX_BYTES / 2 + 1) },
        { value: '\ud800' },
        { value: 42 },
        {},
      ];
      for (const body of refusedValues) expect(fieldsOf(await asOwner('PUT', `/api/v1/applications/${appId}/env/OK_KEY`, body))).toEqual(['value']);
      expect((await asOwner('PUT', `/api/v1/applications/${appId}/env/MAX_SIZE`, { value: 'y'.repeat(ENV_VALUE_MAX_BYTES) })).status).toBe(200);
      expect((await asOwner('DELETE', `/api/v1/applications/${appId}/env/MAX_SIZE`)).status).toBe(204);

      const canary = '/tmp/zp-pwned-env-keys';
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const payload of [...injectionPayloads(canary), '1STARTS_WITH_DIGIT', 'WITH-DASH', 'nul\u0000byte']) {
        const label = JSON.stringify(payload.slice(0, 30));
        const bulk = await asOwner('PUT', `/api/v1/environments/${environmentId}/env`, { dotenv: `${payload}=value\nFINE=1` });
        outcomes.push(`${label} bulk: ${bulk.status} ${fieldsOf(bulk).join(',')}`);
        expected.push(`${label} bulk: 400 dotenv`);
        // A path longer than the HTTP server takes is refused before routing; every other key reaches the validation.
        const path = `/api/v1/applications/${appId}/env/${encodeURIComponent(payload)}`;
        if (path.length < 8_000) {
          const put = await asOwner('PUT', path, { value: 'v' });
          outcomes.push(`${label} put: ${put.status} ${fieldsOf(put).join(',')}`);
          expected.push(`${label} put: 400 key`);
        } else {
          const put = await asOwner('PUT', path, { value: 'v' });
          outcomes.push(`${label} put: ${put.status >= 400 && put.status < 500 ? 'refused' : put.status}`);
          expected.push(`${label} put: refused`);
        }
      }
      expect(outcomes).toEqual(expected);
      expect(await envOf()).toEqual(before);
      expect((await asOwner<EnvVarDto[]>('GET', `/api/v1/environments/${environmentId}/env`)).body.map((v) => v.key)).toEqual(['SHARED']);
      expect(existsSync(canary)).toBe(false);
    });

    it('masks values for a viewer and for a read-only token, shows them to a member, and lets neither of the first two write', async () => {
      await asOwner('PUT', `/api/v1/applications/${appId}/env/SECRET_TOKEN`, { value: secret });
      for (const token of [viewer.accessToken, readToken]) {
        const list = await envOf(token);
        expect(list.length).toBeGreaterThan(1);
        expect(list.every((v) => v.value === null && v.masked)).toBe(true);
        expect(JSON.stringify(list)).not.toContain('pa$$w0rd');
        const shared = (await call<EnvVarDto[]>('GET', `/api/v1/environments/${environmentId}/env`, token)).body;
        expect(shared.every((v) => v.value === null && v.masked)).toBe(true);
        expect((await call('PUT', `/api/v1/applications/${appId}/env/SECRET_TOKEN`, token, { value: 'changed' })).status).toBe(403);
        expect((await call('PUT', `/api/v1/applications/${appId}/env`, token, { dotenv: 'A=1' })).status).toBe(403);
        expect((await call('DELETE', `/api/v1/environments/${environmentId}/env/SHARED`, token)).status).toBe(403);
      }
      const asMember = await envOf(member.accessToken);
      expect(asMember.find((v) => v.key === 'SECRET_TOKEN')).toMatchObject({ value: secret, masked: false });
      // A token that may write but not read secrets gets its own write back masked.
      const writeToken = (
        await asOwner<CreatedApiTokenResponse>('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, {
          name: 'writer',
          abilities: ['read', 'write'],
        })
      ).body.token;
      const written = await call<EnvVarDto>('PUT', `/api/v1/applications/${appId}/env/FROM_CI`, writeToken, { value: 'ci value' });
      expect(written.body).toMatchObject({ key: 'FROM_CI', value: null, masked: true });
      expect((await envOf()).find((v) => v.key === 'FROM_CI')?.value).toBe('ci value');
    });

    it('audits variable changes by key, and never logs or audits a value', async () => {
      const events = await asOwner<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?action=env_vars.changed&perPage=100');
      expect(events.body.items.length).toBeGreaterThan(0);
      expect(events.body.items.find((e) => e.target?.id === appId && (e.metadata.set as string[]).includes('SECRET_TOKEN'))).toMatchObject({
        target: { type: 'application', id: appId },
      });
      expect(events.body.items.find((e) => e.target?.id === environmentId)).toMatchObject({ target: { type: 'environment' } });
      expect(events.text).not.toContain('pa$$w0rd');
      expect(events.text).not.toContain('from the environment');
      expect(suite.stack.api.output()).not.toContain('pa$$w0rd');
      expect(suite.stack.api.output()).not.toContain('from the environment');
    });

    it('links databases of its own environment only: a reference to any other is refused naming the key, nothing saved; lists show references unresolved, to viewers too', async () => {
      // Rows written straight to the stack's database: one database of this environment, one of another
      // environment of the team and one of another team, each a name a reference could use.
      const data = new DataSource(buildDataSourceOptions(suite.stack.databaseUrl, 'links-e2e'));
      await data.initialize();
      try {
        await seedDatabase(data, { teamId: suite.owner.teamId, serverId, environmentId }, { database: { name: 'main-db' } });
        await seedDatabase(data, { teamId: suite.owner.teamId, serverId: otherServerId, environmentId }, { database: { name: 'far-db' } });
        const staging = (await asOwner<EnvironmentDto>('POST', `/api/v1/projects/${projectId}/environments`, { name: 'staging' })).body.id;
        await seedDatabase(data, { teamId: suite.owner.teamId, serverId, environmentId: staging }, { database: { name: 'staging-db' } });
        const other = await seedTeamWithServer(data, { team: 'links-other' });
        await seedDatabase(data, { ...other, ...(await seedEnvironment(data, other)) }, { database: { name: 'their-db' } });
      } catch (error) {
        await data.destroy();
        throw error;
      }
      const before = await envOf();
      const sharedBefore = (await asOwner<EnvVarDto[]>('GET', `/api/v1/environments/${environmentId}/env`)).body;
      const noDatabase = (name: string, variable = 'HOST') => `\${{ ${name}.${variable} }} names no database of this environment (${name})`;

      const refusedPuts: Array<[string, string]> = [
        ['${{ staging-db.HOST }}', noDatabase('staging-db')],
        ['${{ their-db.HOST }}', noDatabase('their-db')],
        ['postgres://x@${{ missing.DATABASE_URL }}/y', noDatabase('missing', 'DATABASE_URL')],
        ['${{ main-db.URL }}', 'unknown variable URL in ${{ main-db.URL }}: one of DATABASE_URL, HOST, PORT, USER, PASSWORD, NAME'],
        ['x ${{ main-db.HOST', 'the ${{ at character 3 is never closed with }} (write $${{ for the text ${{ itself)'],
        [
          '${{ $(touch /tmp/zp-pwned-links).HOST }}',
          'the ${{ at character 1 is not a reference: write ${{ <database>.<VARIABLE> }}, or $${{ for the text ${{ itself',
        ],
      ];
      for (const [value, message] of refusedPuts) {
        const r = await asOwner<ProblemDetails>('PUT', `/api/v1/applications/${appId}/env/LINKED`, { value });
        expect({ value, status: r.status, type: r.headers.get('content-type'), errors: r.body.errors }).toEqual({
          value,
          status: 400,
          type: expect.stringMatching(/^application\/problem\+json/),
          errors: [{ field: 'value', message: `value of LINKED: ${message}` }],
        });
      }
      // A database of the environment on another server is out of the application's reach; the environment's shared variables may name it (their applications may run there).
      const far = await asOwner<ProblemDetails>('PUT', `/api/v1/applications/${appId}/env/LINKED`, { value: '${{ far-db.HOST }}' });
      expect(far.body.errors).toEqual([
        {
          field: 'value',
          message:
            'value of LINKED: ${{ far-db.HOST }} names a database on another server than the application (far-db is reached on its own server only)',
        },
      ]);
      const sharedRefused = await asOwner<ProblemDetails>('PUT', `/api/v1/environments/${environmentId}/env/LINKED`, {
        value: '${{ their-db.HOST }}',
      });
      expect(sharedRefused.body.errors).toEqual([{ field: 'value', message: `value of LINKED: ${noDatabase('their-db')}` }]);
      const syntax = await asOwner<ProblemDetails>('PUT', `/api/v1/applications/${appId}/env`, {
        dotenv: 'A=1\nBAD=${{ main-db.NOPE }}\nOK=${{ main-db.HOST }}\n',
      });
      expect(syntax.body.errors).toEqual([{ field: 'dotenv', message: expect.stringMatching(/^BAD: unknown variable NOPE in /) }]);
      const unlinked = await asOwner<ProblemDetails>('PUT', `/api/v1/applications/${appId}/env`, {
        dotenv: 'A=1\nDATABASE_URL=${{ staging-db.DATABASE_URL }}\nOK=${{ main-db.HOST }}\nCACHE=redis://${{ their-db.HOST }}\n',
      });
      expect({ status: unlinked.status, errors: unlinked.body.errors }).toEqual({
        status: 400,
        errors: [
          { field: 'dotenv', message: `DATABASE_URL: ${noDatabase('staging-db', 'DATABASE_URL')}` },
          { field: 'dotenv', message: `CACHE: ${noDatabase('their-db')}` },
        ],
      });
      expect(await envOf()).toEqual(before);
      expect((await asOwner<EnvVarDto[]>('GET', `/api/v1/environments/${environmentId}/env`)).body).toEqual(sharedBefore);
      expect(existsSync('/tmp/zp-pwned-links')).toBe(false);

      // Accepted: whole or embedded, spaces or none; the value keeps the ${{ }} text, the references are listed once each.
      const embedded =
        'postgres://${{ main-db.USER }}:${{main-db.PASSWORD}}@${{ main-db.HOST }}:${{ main-db.PORT }}/${{ main-db.NAME }}?again=${{ main-db.USER }}';
      const put = await asOwner<EnvVarDto>('PUT', `/api/v1/applications/${appId}/env/LINKED`, { value: embedded });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        value: embedded,
        references: ['USER', 'PASSWORD', 'HOST', 'PORT', 'NAME'].map((variable) => ({ database: 'main-db', variable })),
      });
      const literal = await asOwner<EnvVarDto>('PUT', `/api/v1/applications/${appId}/env/LITERAL`, { value: 'echo $${{ not-a-db.HOST }}' });
      expect(literal.body).toMatchObject({ value: 'echo $${{ not-a-db.HOST }}', references: [] });
      const shared = await asOwner<EnvVarDto>('PUT', `/api/v1/environments/${environmentId}/env/SHARED_DB`, {
        value: '${{ main-db.DATABASE_URL }} ${{ far-db.HOST }}',
      });
      expect(shared.body).toMatchObject({
        scope: 'environment',
        references: [
          { database: 'main-db', variable: 'DATABASE_URL' },
          { database: 'far-db', variable: 'HOST' },
        ],
      });
      // A viewer sees which database a variable links, never its value.
      const asViewer = (await envOf(viewer.accessToken)).find((v) => v.key === 'LINKED');
      expect(asViewer).toMatchObject({ value: null, masked: true, references: put.body.references });
      expect((await envOf()).find((v) => v.key === 'A')?.references).toEqual(before.find((v) => v.key === 'A')?.references);

      // A password rotation marks the applications that reference the database; the application shows it.
      try {
        expect((await asOwner<ApplicationDto>('GET', `/api/v1/applications/${appId}`)).body.pendingRedeploy).toBeNull();
        const marked = await new ApplicationsRepository(data.manager).markReferencingDatabaseForRedeploy(
          teamScope(suite.owner.teamId),
          { environmentId, name: 'main-db' },
          'The password of main-db was rotated',
        );
        expect(marked.map((a) => a.id)).toEqual([appId]);
        expect((await asOwner<ApplicationDto>('GET', `/api/v1/applications/${appId}`)).body.pendingRedeploy).toEqual({
          reason: 'The password of main-db was rotated',
          since: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        });
      } finally {
        await data.destroy();
      }

      for (const key of ['LINKED', 'LITERAL']) expect((await asOwner('DELETE', `/api/v1/applications/${appId}/env/${key}`)).status).toBe(204);
      expect((await asOwner('DELETE', `/api/v1/environments/${environmentId}/env/SHARED_DB`)).status).toBe(204);
    });

    it('deletes an application’s variables with it, and an environment’s with its project', async () => {
      const project = await createProject('Cascade');
      const environment = (await environmentsOf(project.id))[0].id;
      const app = await createApp(imageApp(environment, { name: 'cascade' }));
      await asOwner('PUT', `/api/v1/applications/${app.id}/env/OWN`, { value: 'x' });
      await asOwner('PUT', `/api/v1/environments/${environment}/env/SHARED_TOO`, { value: 'y' });
      const count = async () => (await sealedValues()).filter((r) => r.key === 'OWN' || r.key === 'SHARED_TOO').length;
      expect(await count()).toBe(2);
      await asOwner('DELETE', `/api/v1/applications/${app.id}`);
      expect(await count()).toBe(1);
      expect((await asOwner('GET', `/api/v1/applications/${app.id}/env`)).status).toBe(404);
      await asOwner('DELETE', `/api/v1/projects/${project.id}`);
      expect(await count()).toBe(0);
      expect((await asOwner('GET', `/api/v1/environments/${environment}/env`)).status).toBe(404);
    });
  });

  describe('private repositories', () => {
    let environmentId: string;

    beforeAll(async () => {
      environmentId = (await environmentsOf((await createProject('Private')).id))[0].id;
    });

    const hostKeyLine = (host: string) => `${host} ${generateSshKeyPair('host').publicKey.split(' ').slice(0, 2).join(' ')}`;
    const pin = async (applicationId: string, line: string) => {
      const db = new Client({ connectionString: suite.stack.databaseUrl });
      await db.connect();
      try {
        await db.query(`UPDATE "applications" SET "git_host_key" = $1 WHERE "id" = $2`, [line, applicationId]);
      } finally {
        await db.end();
      }
    };

    it("shows the pinned git host key's fingerprint, forgets it on purpose (audited), and drops it when the git host changes", async () => {
      const app = await createApp(gitApp(environmentId, { name: 'pinned', gitUrl: 'git@github.com:acme/pinned.git' }));
      expect(app.gitHostKeyFingerprints).toBeNull();
      const line = hostKeyLine('github.com');
      await pin(app.id, line);
      const shown = (await asOwner<ApplicationDto>('GET', `/api/v1/applications/${app.id}`)).body.gitHostKeyFingerprints;
      expect(shown).toEqual(knownHostsFingerprints(line));
      expect(shown?.[0]).toMatch(/^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/);

      // Another repository on the same host keeps the pin; another host is learned anew.
      await asOwner('PATCH', `/api/v1/applications/${app.id}`, { gitUrl: 'ssh://git@github.com/acme/other.git' });
      expect((await asOwner<ApplicationDto>('GET', `/api/v1/applications/${app.id}`)).body.gitHostKeyFingerprints).toEqual(shown);
      await asOwner('PATCH', `/api/v1/applications/${app.id}`, { gitUrl: 'git@gitlab.com:acme/pinned.git' });
      expect((await asOwner<ApplicationDto>('GET', `/api/v1/applications/${app.id}`)).body.gitHostKeyFingerprints).toBeNull();

      await pin(app.id, line);
      expect((await call('POST', `/api/v1/applications/${app.id}/git-host-key/forget`, viewer.accessToken)).status).toBe(403);
      expect((await call('POST', `/api/v1/applications/${app.id}/git-host-key/forget`, readToken)).status).toBe(403);
      const forgotten = await asOwner<ApplicationDto>('POST', `/api/v1/applications/${app.id}/git-host-key/forget`);
      expect(forgotten.status).toBe(200);
      expect(forgotten.body.gitHostKeyFingerprints).toBeNull();
      const audit = (await asOwner<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?action=application.git_host_key_forgotten')).body;
      expect(audit.items.find((e) => e.target?.id === app.id)?.metadata).toEqual({ name: 'pinned', fingerprints: shown });
    });

    it('generates a deploy key per application, kept sealed as a team key, and returns only its public half', async () => {
      const app = await createApp(gitApp(environmentId, { name: 'keyed', gitUrl: 'git@github.com:acme/keyed.git', deployKeyId: keyId }));
      expect((await call('POST', `/api/v1/applications/${app.id}/deploy-key`, viewer.accessToken)).status).toBe(403);
      const generated = await asOwner<GeneratedDeployKeyResponse>('POST', `/api/v1/applications/${app.id}/deploy-key`);
      expect(generated.status).toBe(201);
      const { sshKey, application } = generated.body;
      expect(sshKey).toMatchObject({ name: 'Deploy key: keyed', type: 'ssh-ed25519', teamId: suite.owner.teamId, serverCount: 0 });
      expect(sshKey.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S+ zpanel-deploy-keyed$/);
      expect(application.deployKeyId).toBe(sshKey.id);
      expect(generated.text).not.toMatch(/PRIVATE KEY/);
      const listed = (await asOwner<Paginated<SshKeyDto>>('GET', '/api/v1/ssh-keys?perPage=100')).body.items;
      expect(listed.find((k) => k.id === sshKey.id)).toMatchObject({ fingerprint: sshKey.fingerprint, publicKey: sshKey.publicKey });
      // The previous deploy key is still a team key; a second generation replaces the first as the deploy key.
      expect(listed.some((k) => k.id === keyId)).toBe(true);
      const again = (await asOwner<GeneratedDeployKeyResponse>('POST', `/api/v1/applications/${app.id}/deploy-key`)).body;
      expect(again.sshKey.fingerprint).not.toBe(sshKey.fingerprint);
      expect(again.application.deployKeyId).toBe(again.sshKey.id);

      const db = new Client({ connectionString: suite.stack.databaseUrl });
      await db.connect();
      try {
        const [row] = (await db.query(`SELECT "private_key" FROM "ssh_keys" WHERE "id" = $1`, [sshKey.id])).rows as { private_key: string }[];
        expect(row.private_key).not.toMatch(/PRIVATE KEY/);
      } finally {
        await db.end();
      }
      const audit = (await asOwner<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?action=application.deploy_key_generated')).body;
      expect(audit.items.find((e) => e.target?.id === app.id && e.metadata.sshKeyId === sshKey.id)?.metadata).toEqual({
        name: 'keyed',
        sshKeyId: sshKey.id,
        fingerprint: sshKey.fingerprint,
        previousDeployKeyId: keyId,
      });
    });

    it('stores an HTTPS token sealed and write-only: only whether it is set is shown, null clears it', async () => {
      const TOKEN = 'ghp_e2eWriteOnlyToken0123456789abcdefXYZ';
      const app = await createApp(gitApp(environmentId, { name: 'tokened', gitToken: TOKEN }));
      expect(app.gitTokenSet).toBe(true);
      expect(JSON.stringify(app)).not.toContain(TOKEN);
      const sealed = async () => {
        const db = new Client({ connectionString: suite.stack.databaseUrl });
        await db.connect();
        try {
          return ((await db.query(`SELECT "git_token" FROM "applications" WHERE "id" = $1`, [app.id])).rows[0] as { git_token: string | null })
            .git_token;
        } finally {
          await db.end();
        }
      };
      const stored = await sealed();
      expect(stored).toMatch(/^v1\./);
      expect(stored).not.toContain(TOKEN);

      // Left out of a PATCH: kept. Viewers and read tokens see only the flag too.
      expect((await asOwner<ApplicationDto>('PATCH', `/api/v1/applications/${app.id}`, { description: 'still private' })).body.gitTokenSet).toBe(
        true,
      );
      for (const token of [suite.owner.accessToken, viewer.accessToken, readToken]) {
        const listed = await call<Paginated<ApplicationDto>>('GET', '/api/v1/applications?perPage=100', token);
        expect(listed.body.items.find((a) => a.id === app.id)?.gitTokenSet).toBe(true);
        expect(listed.text).not.toContain(TOKEN);
      }
      expect(fieldsOf(await asOwner('PATCH', `/api/v1/applications/${app.id}`, { gitToken: 'has a space' }))).toEqual(['gitToken']);
      expect(fieldsOf(await asOwner('PATCH', `/api/v1/applications/${app.id}`, { gitToken: '' }))).toEqual(['gitToken']);
      expect(await sealed()).toBe(stored);

      const replaced = await asOwner<ApplicationDto>('PATCH', `/api/v1/applications/${app.id}`, { gitToken: 'another-token' });
      expect(replaced.body.gitTokenSet).toBe(true);
      expect(await sealed()).not.toBe(stored);
      const cleared = await asOwner<ApplicationDto>('PATCH', `/api/v1/applications/${app.id}`, { gitToken: null });
      expect(cleared.body.gitTokenSet).toBe(false);
      expect(await sealed()).toBeNull();

      const audit = await asOwner<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?action=application.updated&perPage=100');
      expect(audit.text).not.toContain(TOKEN);
      expect(audit.text).not.toContain('another-token');
      expect(suite.stack.api.output()).not.toContain(TOKEN);
    });
  });
});
