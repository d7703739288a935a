import { Client } from 'pg';
import { type ApiTokenDto, type CreatedApiTokenResponse, ErrorCode, type Paginated, type ProblemDetails, Role, TEAM_HEADER } from '@zpanel/contracts';
import { joinTeam, useOwnedStack } from '@zpanel/testing';

describe('API tokens (built api)', () => {
  const suite = useOwnedStack();
  const { call } = suite;
  const createToken = (credential: string, abilities: string[], extra: Record<string, unknown> = {}) =>
    call<CreatedApiTokenResponse & Pick<ProblemDetails, 'errors' | 'code'>>('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, credential, {
      name: 'ci',
      abilities,
      ...extra,
    });
  const joinAs = (email: string, role: Role) => joinTeam(call, suite.owner, email, role);

  it('shows the zp_ secret once; lists keep only a prefix', async () => {
    const created = await createToken(suite.owner.accessToken, ['read']);
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^zp_[A-Za-z0-9]{36}$/);
    expect(created.body.token.startsWith(created.body.tokenPrefix)).toBe(true);
    const list = await call<Paginated<ApiTokenDto>>('GET', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, suite.owner.accessToken);
    expect(list.text).not.toContain(created.body.token);
    expect(list.body.items[0]).toMatchObject({ id: created.body.id, abilities: ['read'], createdBy: { id: suite.owner.userId } });
  });

  it('lets a read token read but not write, and records when it was last used', async () => {
    const { body: token } = await createToken(suite.owner.accessToken, ['read']);
    expect((await call('GET', `/api/v1/teams/${suite.owner.teamId}/members`, token.token)).status).toBe(200);
    const write = await call<ProblemDetails>('POST', `/api/v1/teams/${suite.owner.teamId}/invitations`, token.token, {
      email: 'x@example.com',
      role: 'viewer',
    });
    expect(write.status).toBe(403);
    expect(write.body.detail).toContain('lacks the admin ability');
    const listed = (
      await call<Paginated<ApiTokenDto>>('GET', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, suite.owner.accessToken)
    ).body.items.find((t) => t.id === token.id);
    expect(listed?.lastUsedAt).not.toBeNull();
  });

  it('lets an admin token manage the team but never act as a person', async () => {
    const { body: token } = await createToken(suite.owner.accessToken, ['read', 'admin']);
    expect(
      (await call('POST', `/api/v1/teams/${suite.owner.teamId}/invitations`, token.token, { email: 'y@example.com', role: 'viewer' })).status,
    ).toBe(201);
    for (const [method, path] of [
      ['GET', '/api/v1/me'],
      ['POST', '/api/v1/teams'],
      ['POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`],
    ]) {
      const r = await call<ProblemDetails>(method, path, token.token, method === 'GET' ? undefined : { name: 'n', abilities: ['read'] });
      expect(r.status).toBe(403);
    }
  });

  it('keeps a deploy token out of settings: it cannot manage members, invitations, keys or servers', async () => {
    const { body: token } = await createToken(suite.owner.accessToken, ['read', 'deploy']);
    const inTeam = { [TEAM_HEADER]: suite.owner.teamId };
    const attempts = [
      await call('POST', `/api/v1/teams/${suite.owner.teamId}/invitations`, token.token, { email: 'z@example.com', role: 'viewer' }),
      await call('PATCH', `/api/v1/teams/${suite.owner.teamId}/members/${suite.owner.userId}`, token.token, { role: 'owner' }),
      await call('POST', '/api/v1/ssh-keys', token.token, { name: 'k' }, inTeam),
      await call('POST', '/api/v1/servers', token.token, { name: 's', host: '192.0.2.1', sshKeyId: '00000000-0000-4000-8000-000000000000' }, inTeam),
    ];
    expect(attempts.map((a) => a.status)).toEqual([403, 403, 403, 403]);
    expect((await call('GET', '/api/v1/servers', token.token, undefined, inTeam)).status).toBe(200);
  });

  it('lets a deploy token deploy an application but not change its settings', async () => {
    const inTeam = { [TEAM_HEADER]: suite.owner.teamId };
    const key = (await call<{ id: string }>('POST', '/api/v1/ssh-keys', suite.owner.accessToken, { name: 'deploys' }, inTeam)).body;
    const server = (
      await call<{ id: string }>(
        'POST',
        '/api/v1/servers',
        suite.owner.accessToken,
        { name: 'deploy-target', host: '192.0.2.20', sshKeyId: key.id },
        inTeam,
      )
    ).body;
    const project = (await call<{ id: string }>('POST', '/api/v1/projects', suite.owner.accessToken, { name: 'Deploys' }, inTeam)).body;
    const environment = (await call<Paginated<{ id: string }>>('GET', `/api/v1/projects/${project.id}/environments`, suite.owner.accessToken)).body
      .items[0];
    const app = (
      await call<{ id: string }>(
        'POST',
        '/api/v1/applications',
        suite.owner.accessToken,
        { environmentId: environment.id, serverId: server.id, name: 'web', buildPack: 'image', imageReference: 'nginx:1.27', port: 80 },
        inTeam,
      )
    ).body;
    const { body: token } = await createToken(suite.owner.accessToken, ['read', 'deploy']);

    const deployed = await call<{ status: string; trigger: string; actor: { type: string; tokenId: string } }>(
      'POST',
      `/api/v1/applications/${app.id}/deployments`,
      token.token,
      {},
    );
    expect(deployed.status).toBe(202);
    expect(deployed.body).toMatchObject({ status: 'queued', trigger: 'api', actor: { type: 'token', tokenId: token.id } });
    // What CI does after pushing an image: run the tag it pushed.
    const tagged = await call<{ status: string; trigger: string; requestedImageTag: string | null }>(
      'POST',
      `/api/v1/applications/${app.id}/deployments`,
      token.token,
      { imageTag: 'v1.4.2' },
    );
    expect(tagged.status).toBe(202);
    expect(tagged.body).toMatchObject({ status: 'queued', trigger: 'api', requestedImageTag: 'v1.4.2' });
    const badTag = await call<ProblemDetails>('POST', `/api/v1/applications/${app.id}/deployments`, token.token, {
      imageTag: 'v1.4.2; touch /tmp/pwned',
    });
    expect(badTag.status).toBe(400);
    expect(badTag.body.errors?.map((e) => e.field)).toEqual(['imageTag']);
    expect((await call('PATCH', `/api/v1/applications/${app.id}`, token.token, { port: 8080 })).status).toBe(403);

    const { body: readOnly } = await createToken(suite.owner.accessToken, ['read', 'write']);
    expect((await call('POST', `/api/v1/applications/${app.id}/deployments`, readOnly.token, {})).status).toBe(403);
    expect((await call('POST', `/api/v1/applications/${app.id}/deployments`, readOnly.token, { imageTag: 'v1.4.2' })).status).toBe(403);
  });

  it('never grants more than the creator’s role, now or later', async () => {
    const viewer = await joinAs('viewer@example.com', Role.Viewer);
    const tooMuch = await createToken(viewer.accessToken, ['read', 'write']);
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body.errors?.[0].field).toBe('abilities');

    const member = await joinAs('member@example.com', Role.Member);
    const { body: token } = await createToken(member.accessToken, ['read', 'write']);
    expect((await call('GET', `/api/v1/teams/${suite.owner.teamId}/members`, token.token)).status).toBe(200);
    // Demoted to viewer: the token keeps only what a viewer may do.
    await call('PATCH', `/api/v1/teams/${suite.owner.teamId}/members/${member.userId}`, suite.owner.accessToken, { role: 'viewer' });
    const after = await call<ProblemDetails>('DELETE', `/api/v1/teams/${suite.owner.teamId}/api-tokens/${token.id}`, token.token);
    expect(after.status).toBe(204);
    // Removed from the team: the member's tokens stop working.
    const { body: second } = await createToken(member.accessToken, ['read']);
    await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/members/${member.userId}`, suite.owner.accessToken);
    expect((await call('GET', `/api/v1/teams/${suite.owner.teamId}/members`, second.token)).status).toBe(401);
  });

  it('stops working when revoked or expired, and refuses a past expiry', async () => {
    const { body: revoked } = await createToken(suite.owner.accessToken, ['read']);
    expect((await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/api-tokens/${revoked.id}`, suite.owner.accessToken)).status).toBe(204);
    const r = await call<ProblemDetails>('GET', `/api/v1/teams/${suite.owner.teamId}/members`, revoked.token);
    expect(r.status).toBe(401);
    expect(r.body.code).toBe(ErrorCode.Unauthorized);

    const past = await createToken(suite.owner.accessToken, ['read'], { expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.errors?.[0].field).toBe('expiresAt');

    const { body: expiring } = await createToken(suite.owner.accessToken, ['read'], { expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    expect((await call('GET', `/api/v1/teams/${suite.owner.teamId}/members`, expiring.token)).status).toBe(200);
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      await db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.id]);
    } finally {
      await db.end();
    }
    expect((await call('GET', `/api/v1/teams/${suite.owner.teamId}/members`, expiring.token)).status).toBe(401);
  });

  it('lets a token revoke itself, but another token only with write and every ability that token holds', async () => {
    const revoke = (credential: string, id: string) =>
      call<ProblemDetails>('DELETE', `/api/v1/teams/${suite.owner.teamId}/api-tokens/${id}`, credential);
    const { body: strong } = await createToken(suite.owner.accessToken, ['read', 'write', 'deploy', 'admin']);
    const { body: reader } = await createToken(suite.owner.accessToken, ['read']);
    const { body: otherReader } = await createToken(suite.owner.accessToken, ['read']);
    const { body: writer } = await createToken(suite.owner.accessToken, ['read', 'write']);

    const readOnly = await revoke(reader.token, strong.id);
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.detail).toContain('write, deploy, admin');
    expect((await revoke(reader.token, otherReader.id)).status).toBe(403);
    expect((await revoke(writer.token, strong.id)).status).toBe(403);
    expect((await call('GET', `/api/v1/teams/${suite.owner.teamId}/members`, strong.token)).status).toBe(200);

    expect((await revoke(writer.token, otherReader.id)).status).toBe(204);
    expect((await revoke(reader.token, reader.id)).status).toBe(204);
    expect((await revoke(strong.token, writer.id)).status).toBe(204);
    expect((await call('GET', `/api/v1/teams/${suite.owner.teamId}/members`, writer.token)).status).toBe(401);
  });

  it('refuses a well-formed but unknown token and a token with a broken checksum', async () => {
    const { body: token } = await createToken(suite.owner.accessToken, ['read']);
    const flipped = `${token.token.slice(0, -1)}${token.token.endsWith('A') ? 'B' : 'A'}`;
    expect((await call('GET', `/api/v1/teams/${suite.owner.teamId}/members`, flipped)).status).toBe(401);
    expect((await call('GET', `/api/v1/teams/${suite.owner.teamId}/members`, 'zp_notatoken')).status).toBe(401);
  });
});
