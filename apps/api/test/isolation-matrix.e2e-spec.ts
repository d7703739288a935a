import { Client } from 'pg';
import {
  type CreatedInvitationResponse,
  LIVE_KINDS,
  type LiveKind,
  type LiveSubscribeRequest,
  type MeResponse,
  type ProblemDetails,
  Role,
  type SessionResponse,
  TEAM_HEADER,
} from '@zpanel/contracts';
import { type SignedIn, type Stack, apiCaller, connectEvents, createOwner, liveSubscribe, startStack } from '@zpanel/testing';

/**
 * Every route of the API, read from its own OpenAPI document, must be listed here: as public, as
 * acting only on the caller's own data, or as team-scoped with how to name team A's resources.
 * A new route that is not listed fails this suite, so tenancy is tested for every module that lands.
 */
const PUBLIC = new Set([
  'GET /api/health',
  'GET /api/ready',
  'GET /api/v1/setup',
  'POST /api/v1/setup/owner',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/invitations/preview',
  'POST /api/v1/invitations/register',
  // Authenticated by each application's webhook signature instead (see webhooks.e2e-spec.ts).
  'POST /webhooks/{provider}',
]);

/** Routes that take no id of a team-owned resource: they can only ever touch the caller's own data. */
const CALLER_SCOPED = new Set([
  'GET /api/v1/me',
  'POST /api/v1/me/password',
  'POST /api/v1/me/two-factor/enrollment',
  'POST /api/v1/me/two-factor/confirmation',
  'POST /api/v1/me/two-factor/disable',
  'POST /api/v1/me/two-factor/recovery-codes',
  'GET /api/v1/teams',
  'POST /api/v1/teams',
  'POST /api/v1/invitations/accept',
  'GET /api/v1/system/status',
]);

/**
 * Team-scoped routes, with a body that passes validation so the check under test is tenancy.
 * `teamHeader`: the route names its team in the x-zpanel-team header instead of the path.
 */
type Ids = Record<string, string>;
const TEAM_SCOPED: Record<string, { body?: unknown | ((ids: Ids) => unknown); teamHeader?: true }> = {
  'GET /api/v1/audit-events': { teamHeader: true },
  'GET /api/v1/teams/{teamId}/members': {},
  'PATCH /api/v1/teams/{teamId}/members/{userId}': { body: { role: Role.Viewer } },
  'DELETE /api/v1/teams/{teamId}/members/{userId}': {},
  'POST /api/v1/teams/{teamId}/members/{userId}/password-reset': {},
  'GET /api/v1/teams/{teamId}/invitations': {},
  'POST /api/v1/teams/{teamId}/invitations': { body: { email: 'matrix@example.com', role: Role.Viewer } },
  'DELETE /api/v1/teams/{teamId}/invitations/{invitationId}': {},
  'GET /api/v1/teams/{teamId}/api-tokens': {},
  // `write` exceeds a viewer's role, so the viewer pass expects 403 here too.
  'POST /api/v1/teams/{teamId}/api-tokens': { body: { name: 'matrix', abilities: ['write'] } },
  'DELETE /api/v1/teams/{teamId}/api-tokens/{tokenId}': {},
  'GET /api/v1/ssh-keys': { teamHeader: true },
  'POST /api/v1/ssh-keys': { teamHeader: true, body: { name: 'matrix' } },
  'DELETE /api/v1/ssh-keys/{sshKeyId}': {},
  'GET /api/v1/servers': { teamHeader: true },
  'POST /api/v1/servers': { teamHeader: true, body: (ids: Ids) => ({ name: 'matrix', host: '192.0.2.1', sshKeyId: ids.sshKeyId }) },
  'GET /api/v1/servers/{serverId}': {},
  'PATCH /api/v1/servers/{serverId}': { body: { description: 'changed by the matrix' } },
  'POST /api/v1/servers/{serverId}/validate': {},
  'POST /api/v1/servers/{serverId}/trust-host-key': {},
  'DELETE /api/v1/servers/{serverId}': {},
  'GET /api/v1/servers/{serverId}/containers': {},
  'GET /api/v1/servers/{serverId}/containers/{containerId}': {},
  'GET /api/v1/servers/{serverId}/containers/{containerId}/logs': {},
  'POST /api/v1/servers/{serverId}/containers/{containerId}/{action}': { body: { timeoutSeconds: 1 } },
  'DELETE /api/v1/servers/{serverId}/containers/{containerId}': {},
  'POST /api/v1/servers/{serverId}/commands': { body: { command: 'uptime', timeoutSeconds: 10 } },
  'GET /api/v1/servers/{serverId}/commands': {},
  'GET /api/v1/servers/{serverId}/commands/{runId}': {},
  'POST /api/v1/servers/{serverId}/commands/{runId}/cancel': {},
  'GET /api/v1/servers/{serverId}/metrics': {},
  'GET /api/v1/servers/{serverId}/alert-rules': {},
  'POST /api/v1/servers/{serverId}/alert-rules': { body: { metric: 'cpu', operator: '>', threshold: 95, durationSeconds: 60 } },
  'PATCH /api/v1/servers/{serverId}/alert-rules/{ruleId}': { body: { threshold: 85 } },
  'DELETE /api/v1/servers/{serverId}/alert-rules/{ruleId}': {},
  'GET /api/v1/servers/{serverId}/alerts': {},
  'GET /api/v1/alerts': { teamHeader: true },
  'GET /api/v1/projects': { teamHeader: true },
  'POST /api/v1/projects': { teamHeader: true, body: { name: 'matrix' } },
  'GET /api/v1/projects/{projectId}': {},
  'PATCH /api/v1/projects/{projectId}': { body: { description: 'changed by the matrix' } },
  'DELETE /api/v1/projects/{projectId}': {},
  'GET /api/v1/projects/{projectId}/environments': {},
  'POST /api/v1/projects/{projectId}/environments': { body: { name: 'matrix' } },
  'DELETE /api/v1/environments/{environmentId}': {},
  'GET /api/v1/environments/{environmentId}/env': {},
  'PUT /api/v1/environments/{environmentId}/env': { body: { dotenv: 'MATRIX_KEY=changed by the matrix' } },
  'PUT /api/v1/environments/{environmentId}/env/{key}': { body: { value: 'changed by the matrix' } },
  'DELETE /api/v1/environments/{environmentId}/env/{key}': {},
  'GET /api/v1/applications': { teamHeader: true },
  'POST /api/v1/applications': {
    teamHeader: true,
    body: (ids: Ids) => ({ environmentId: ids.environmentId, serverId: ids.serverId, name: 'matrix', buildPack: 'image', imageReference: 'nginx:1.27', port: 80 }),
  },
  'GET /api/v1/applications/{applicationId}': {},
  'PATCH /api/v1/applications/{applicationId}': { body: { description: 'changed by the matrix', domains: ['matrix.example.com'] } },
  'DELETE /api/v1/applications/{applicationId}': {},
  'GET /api/v1/applications/{applicationId}/env': {},
  'PUT /api/v1/applications/{applicationId}/env': { body: { dotenv: 'MATRIX_KEY=changed by the matrix' } },
  'PUT /api/v1/applications/{applicationId}/env/{key}': { body: { value: 'changed by the matrix' } },
  'DELETE /api/v1/applications/{applicationId}/env/{key}': {},
  'POST /api/v1/applications/{applicationId}/deployments': { body: {} },
  'GET /api/v1/applications/{applicationId}/deployments': {},
  'GET /api/v1/deployments/{deploymentId}': {},
  'POST /api/v1/deployments/{deploymentId}/cancel': {},
  'POST /api/v1/deployments/{deploymentId}/rollback': {},
  'GET /api/v1/deployments/{deploymentId}/logs': {},
  'GET /api/v1/deployments/{deploymentId}/logs/download': {},
  'GET /api/v1/applications/{applicationId}/webhook': {},
  'POST /api/v1/applications/{applicationId}/webhook-secret': {},
  'GET /api/v1/applications/{applicationId}/webhook-deliveries': {},
  'POST /api/v1/applications/{applicationId}/deploy-key': {},
  'POST /api/v1/applications/{applicationId}/git-host-key/forget': {},
  'GET /api/v1/applications/{applicationId}/previews': {},
  'DELETE /api/v1/applications/{applicationId}/previews/{previewId}': {},
  'GET /api/v1/applications/{applicationId}/preview-env': {},
  'PUT /api/v1/applications/{applicationId}/preview-env': { body: { dotenv: 'MATRIX_KEY=changed by the matrix' } },
  'PUT /api/v1/applications/{applicationId}/preview-env/{key}': { body: { value: 'changed by the matrix' } },
  'DELETE /api/v1/applications/{applicationId}/preview-env/{key}': {},
};
const bodyFor = (route: string, ids: Ids) => {
  const body = TEAM_SCOPED[route]?.body;
  return typeof body === 'function' ? (body as (ids: Ids) => unknown)(ids) : body;
};

/** Every live subscription kind of the socket gateway, naming team A's resources. */
// Partial so a kind added to the contracts fails the coverage check below, not the build.
const LIVE: Partial<Record<LiveKind, (ids: Ids) => LiveSubscribeRequest>> = {
  team: (ids) => ({ kind: 'team', teamId: ids.teamId }),
  server: (ids) => ({ kind: 'server', serverId: ids.serverId }),
  'command-run': (ids) => ({ kind: 'command-run', runId: ids.commandRunId }),
  'container-logs': (ids) => ({ kind: 'container-logs', serverId: ids.serverId, containerId: ids.containerId }),
  'deployment-logs': (ids) => ({ kind: 'deployment-logs', deploymentId: ids.deploymentId }),
};

const PASSWORD = 'isolation matrix passphrase';

describe('tenancy isolation matrix (every API route)', () => {
  let stack: Stack;
  let ownerA: SignedIn;
  let viewerA: { accessToken: string; userId: string };
  let memberA: { accessToken: string; userId: string };
  let outsiderB: { accessToken: string; userId: string };
  let invitationA: string;
  let tokenA: string;
  let sshKeyA: string;
  let serverA: string;
  let commandRunA: string;
  let alertRuleA: string;
  let projectA: string;
  let environmentA: string;
  let applicationA: string;
  let deploymentA: string;
  let previewA: string;
  let tokenOfB: string;
  let routes: string[];

  const call = apiCaller(() => stack.baseUrl);
  const inTeam = (teamId: string | undefined): Record<string, string> => (teamId ? { [TEAM_HEADER]: teamId } : {});

  const register = async (teamId: string, email: string, role: Role) => {
    const invitation = (await call('POST', `/api/v1/teams/${teamId}/invitations`, ownerA.accessToken, { email, role })).body as CreatedInvitationResponse;
    const session = (await call('POST', '/api/v1/invitations/register', undefined, { token: invitation.token, name: email.split('@')[0], password: PASSWORD })).body as SessionResponse;
    return { accessToken: session.accessToken, userId: session.user.id };
  };

  /** Everything team A has that the routes can read or change, as its owner sees it. */
  const snapshotA = async () =>
    JSON.stringify([
      (await call('GET', `/api/v1/teams/${ownerA.teamId}/members?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/teams/${ownerA.teamId}/invitations?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', '/api/v1/ssh-keys?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', '/api/v1/servers?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', `/api/v1/servers/${serverA}/commands?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/servers/${serverA}/alert-rules?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/servers/${serverA}/alerts?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', '/api/v1/projects?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', `/api/v1/projects/${projectA}/environments?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', '/api/v1/applications?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      // The owner may read secrets: a value changed by the matrix would show.
      (await call('GET', `/api/v1/applications/${applicationA}/env`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/environments/${environmentA}/env`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/deployments?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/deployments/${deploymentA}`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/webhook`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/webhook-deliveries?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/previews?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/preview-env`, ownerA.accessToken)).body,
      ((await call('GET', `/api/v1/teams/${ownerA.teamId}/api-tokens?perPage=100`, ownerA.accessToken)).body as { items: { lastUsedAt: unknown }[] }).items.map(
        (t) => ({ ...t, lastUsedAt: null }),
      ),
    ]);

  /** Path parameters and subscription fields naming team A's resources. */
  const idsOfA = (): Ids => ({ teamId: ownerA.teamId, userId: memberA.userId, invitationId: invitationA, tokenId: tokenA, sshKeyId: sshKeyA, serverId: serverA, ruleId: alertRuleA, runId: commandRunA, commandRunId: commandRunA, containerId: 'matrix-app', action: 'stop', projectId: projectA, environmentId: environmentA, applicationId: applicationA, key: 'MATRIX_KEY', deploymentId: deploymentA, previewId: previewA });

  const fill = (route: string, ids: Record<string, string>) =>
    route.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (!ids[name]) throw new Error(`no id for path parameter {${name}} in ${route}: add it to the matrix`);
      return ids[name];
    });

  beforeAll(async () => {
    stack = await startStack();
    ownerA = await createOwner(stack.baseUrl);
    viewerA = await register(ownerA.teamId, 'viewer@example.com', Role.Viewer);
    memberA = await register(ownerA.teamId, 'member@example.com', Role.Member);
    // B belongs to a team of its own, and never to A.
    const side = (await call('POST', '/api/v1/teams', ownerA.accessToken, { name: 'Staging' })).body as { teamId: string };
    outsiderB = await register(side.teamId, 'outsider@example.com', Role.Owner);
    await call('POST', '/api/v1/teams', outsiderB.accessToken, { name: 'Team B' });
    invitationA = ((await call('POST', `/api/v1/teams/${ownerA.teamId}/invitations`, ownerA.accessToken, { email: 'pending@example.com', role: Role.Member })).body as CreatedInvitationResponse).id;

    tokenA = ((await call('POST', `/api/v1/teams/${ownerA.teamId}/api-tokens`, ownerA.accessToken, { name: 'ci', abilities: ['read', 'write', 'deploy', 'admin'] })).body as { id: string }).id;
    const teamB = ((await call('GET', '/api/v1/teams', outsiderB.accessToken)).body as { items: { teamId: string; teamName: string }[] }).items.find((t) => t.teamName === 'Team B') as { teamId: string };
    tokenOfB = ((await call('POST', `/api/v1/teams/${teamB.teamId}/api-tokens`, outsiderB.accessToken, { name: 'b', abilities: ['read', 'write', 'deploy', 'admin'] })).body as { token: string }).token;

    const teamA = { [TEAM_HEADER]: ownerA.teamId };
    sshKeyA = ((await call('POST', '/api/v1/ssh-keys', ownerA.accessToken, { name: 'deploy' }, teamA)).body as { id: string }).id;
    serverA = ((await call('POST', '/api/v1/servers', ownerA.accessToken, { name: 'web-1', host: '192.0.2.10', sshKeyId: sshKeyA }, teamA)).body as { id: string }).id;
    // No worker runs here: the run stays queued, so a cancel that got through would show in the snapshot.
    commandRunA = ((await call('POST', `/api/v1/servers/${serverA}/commands`, ownerA.accessToken, { command: 'uptime' })).body as { id: string }).id;
    // Its default rule, with an open alert (no worker runs here to open one) so reads have something to leak.
    alertRuleA = ((await call('GET', `/api/v1/servers/${serverA}/alert-rules`, ownerA.accessToken)).body as { items: { id: string; metric: string }[] }).items.find((r) => r.metric === 'disk')?.id as string;
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    await db.query(`INSERT INTO alert_events (team_id, server_id, rule_id, metric, operator, threshold, value, message) VALUES ($1, $2, $3, 'disk', '>', 80, 91, 'Disk 91 % > 80 % on web-1')`, [
      ownerA.teamId,
      serverA,
      alertRuleA,
    ]);
    await db.end();
    projectA = ((await call('POST', '/api/v1/projects', ownerA.accessToken, { name: 'Shop' }, teamA)).body as { id: string }).id;
    environmentA = ((await call('GET', `/api/v1/projects/${projectA}/environments`, ownerA.accessToken)).body as { items: { id: string }[] }).items[0].id;
    const application = { environmentId: environmentA, serverId: serverA, name: 'shop', buildPack: 'image', imageReference: 'nginx:1.27', port: 80, domains: ['shop.example.com'] };
    applicationA = ((await call('POST', '/api/v1/applications', ownerA.accessToken, application, teamA)).body as { id: string }).id;
    await call('PUT', `/api/v1/applications/${applicationA}/env/MATRIX_KEY`, ownerA.accessToken, { value: 'application value' });
    await call('PUT', `/api/v1/environments/${environmentA}/env/MATRIX_KEY`, ownerA.accessToken, { value: 'environment value' });
    await call('PUT', `/api/v1/applications/${applicationA}/preview-env/MATRIX_KEY`, ownerA.accessToken, { value: 'preview value' });
    // A preview as a pull request would leave it (webhooks.e2e-spec.ts and previews.e2e-spec.ts make real ones).
    const previewDb = new Client({ connectionString: stack.databaseUrl });
    await previewDb.connect();
    previewA = (
      await previewDb.query(
        `INSERT INTO applications (team_id, project_id, environment_id, server_id, name, build_pack, image_reference, port, health_check, preview_of_id, preview_number, preview_provider, preview_ref, preview_title)
         SELECT team_id, project_id, environment_id, server_id, 'shop-pr-3', build_pack, image_reference, port, health_check, id, 3, 'github', 'refs/pull/3/head', 'Matrix' FROM applications WHERE id = $1 RETURNING id`,
        [applicationA],
      )
    ).rows[0].id as string;
    await previewDb.end();
    // No worker runs here: the deployment stays queued, so a cancel or a newer deployment that got through would show in the snapshot.
    deploymentA = ((await call('POST', `/api/v1/applications/${applicationA}/deployments`, ownerA.accessToken, {})).body as { id: string }).id;

    const doc = (await (await fetch(`${stack.baseUrl}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
  });
  afterAll(() => stack?.stop());

  it('covers every route of the API, and lists no route that no longer exists', () => {
    const listed = [...PUBLIC, ...CALLER_SCOPED, ...Object.keys(TEAM_SCOPED)];
    expect(routes.filter((r) => !listed.includes(r))).toEqual([]);
    expect(listed.filter((r) => !routes.includes(r))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it.each([
    ['a member of team B', () => outsiderB.accessToken],
    ["team B's API token with every ability", () => tokenOfB],
  ])("answers 404 to %s naming team A's resources, and changes nothing", async (_who, credential) => {
    const before = await snapshotA();
    const ids = idsOfA();
    const outcomes: string[] = [];
    for (const [route, { teamHeader }] of Object.entries(TEAM_SCOPED)) {
      const [method, path] = route.split(' ');
      const res = await call(method, fill(path, ids), credential(), bodyFor(route, ids), inTeam(teamHeader && ids.teamId));
      outcomes.push(`${route} -> ${res.status} ${(res.body as ProblemDetails | undefined)?.code ?? ''}`);
    }
    expect(outcomes).toEqual(Object.keys(TEAM_SCOPED).map((route) => `${route} -> 404 not_found`));
    expect(await snapshotA()).toBe(before);
  });

  it('covers every live subscription kind of the socket gateway', () => {
    expect(Object.keys(LIVE).sort()).toEqual([...LIVE_KINDS].sort());
  });

  it.each([
    ['a member of team B', () => outsiderB.accessToken],
    ["team B's API token with every ability", () => tokenOfB],
  ])("refuses %s a live subscription to team A's resources with the 404 of a missing one", async (_who, credential) => {
    const socket = await connectEvents(stack.baseUrl, credential());
    try {
      const outcomes: string[] = [];
      for (const [kind, request] of Object.entries(LIVE)) {
        const { result } = await liveSubscribe(socket, (request as (ids: Ids) => LiveSubscribeRequest)(idsOfA()));
        outcomes.push(`${kind} -> ${result.ok ? 'subscribed' : `${result.status} ${result.code}`}`);
      }
      expect(outcomes).toEqual(Object.keys(LIVE).map((kind) => `${kind} -> 404 not_found`));
    } finally {
      socket.disconnect();
    }
  });

  it('answers 403 to a viewer of team A on every team-scoped write, and changes nothing', async () => {
    const before = await snapshotA();
    const ids = idsOfA();
    const writes = Object.entries(TEAM_SCOPED).filter(([route]) => !route.startsWith('GET '));
    expect(writes.length).toBeGreaterThan(0);
    const outcomes: string[] = [];
    for (const [route, { teamHeader }] of writes) {
      const [method, path] = route.split(' ');
      const res = await call(method, fill(path, ids), viewerA.accessToken, bodyFor(route, ids), inTeam(teamHeader && ids.teamId));
      outcomes.push(`${route} -> ${res.status}`);
    }
    expect(outcomes).toEqual(writes.map(([route]) => `${route} -> 403`));
    expect(await snapshotA()).toBe(before);
  });

  it('answers 401 on every route that is not public, without a token', async () => {
    const ids = idsOfA();
    const outcomes: string[] = [];
    for (const route of routes.filter((r) => !PUBLIC.has(r))) {
      const [method, path] = route.split(' ');
      const res = await call(method, fill(path, ids), undefined, bodyFor(route, ids) ?? (method === 'GET' ? undefined : {}), inTeam(ids.teamId));
      outcomes.push(`${route} -> ${res.status}`);
    }
    expect(outcomes).toEqual(routes.filter((r) => !PUBLIC.has(r)).map((route) => `${route} -> 401`));
  });

  it('keeps the members it set up in their roles (the matrix itself changed nothing)', async () => {
    const me = (await call('GET', '/api/v1/me', viewerA.accessToken)).body as MeResponse;
    expect(me.teams).toEqual([expect.objectContaining({ teamId: ownerA.teamId, role: 'viewer' })]);
  });
});
