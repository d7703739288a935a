import { AuditAction, type AuditEventDto, type Paginated, type ProblemDetails, Role, TEAM_HEADER } from '@zpanel/contracts';
import { joinTeam, signIn, useOwnedStack } from '@zpanel/testing';
import { Client } from 'pg';

describe('audit log (built api)', () => {
  const suite = useOwnedStack({ callerHeaders: { 'user-agent': 'audit-test/1.0' } });
  const { call } = suite;
  const events = (query = '', token = suite.owner.accessToken) =>
    call<Paginated<AuditEventDto> & ProblemDetails>('GET', `/api/v1/audit-events?perPage=100${query}`, token, undefined, {
      [TEAM_HEADER]: suite.owner.teamId,
    });

  it('records sign-ins, failures, lockouts and team changes with actor, address and user agent', async () => {
    await call('POST', '/api/v1/auth/login', undefined, { email: suite.owner.credentials.email, password: 'wrong wrong wrong' });
    const mia = await joinTeam(call, suite.owner, 'mia@example.com', Role.Member, { name: 'Mia Member' });
    await call('PATCH', `/api/v1/teams/${suite.owner.teamId}/members/${mia.userId}`, suite.owner.accessToken, { role: Role.Viewer });
    const token = (
      await call<{ id: string }>('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, suite.owner.accessToken, {
        name: 'ci',
        abilities: ['read'],
      })
    ).body;
    await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/api-tokens/${token.id}`, suite.owner.accessToken);
    for (let i = 0; i < 11; i += 1) await call('POST', '/api/v1/auth/login', undefined, { email: 'mia@example.com', password: 'not her password' });

    const log = await events();
    expect(log.status).toBe(200);
    const actions = log.body.items.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        AuditAction.TeamCreated,
        AuditAction.LoginSucceeded,
        AuditAction.LoginFailed,
        AuditAction.InvitationCreated,
        AuditAction.MemberJoined,
        AuditAction.MemberRoleChanged,
        AuditAction.ApiTokenCreated,
        AuditAction.ApiTokenRevoked,
        AuditAction.LoginLockedOut,
      ]),
    );
    const roleChange = log.body.items.find((e) => e.action === AuditAction.MemberRoleChanged) as AuditEventDto;
    expect(roleChange).toMatchObject({
      teamId: suite.owner.teamId,
      actor: { type: 'user', id: suite.owner.userId, name: 'Olive Owner' },
      target: { type: 'user', id: mia.userId },
      metadata: { from: 'member', to: 'viewer' },
      userAgent: 'audit-test/1.0',
    });
    expect(roleChange.ip).toBeTruthy();
    // Newest first.
    const times = log.body.items.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(log.text).not.toMatch(/zp_|zpr_|zpi_|\$argon2/);
  });

  it('filters by action and actor', async () => {
    const failures = await events(`&action=${AuditAction.LoginFailed}`);
    expect(failures.body.items.length).toBeGreaterThan(0);
    expect(failures.body.items.every((e) => e.action === AuditAction.LoginFailed)).toBe(true);
    const byOwner = await events(`&actorId=${suite.owner.userId}`);
    expect(byOwner.body.items.every((e) => e.actor.id === suite.owner.userId)).toBe(true);
    const bad = await events('&action=drop_tables&since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['action', 'since']);
  });

  it('is for admins, and needs the team header', async () => {
    await joinTeam(call, suite.owner, 'max@example.com', Role.Member, { name: 'Max Member' });
    const max = await signIn(suite.stack.baseUrl, { email: 'max@example.com', password: 'a long enough passphrase' });
    expect((await events('', max.accessToken)).status).toBe(403);
    const missing = await call<ProblemDetails>('GET', '/api/v1/audit-events', suite.owner.accessToken);
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.[0].field).toBe(TEAM_HEADER);
  });

  it('refuses account and token changes whose audit row cannot be written, and changes nothing', async () => {
    const session = await signIn(suite.stack.baseUrl, suite.owner.credentials);
    const kept = (
      await call<{ id: string }>('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, suite.owner.accessToken, {
        name: 'kept',
        abilities: ['read'],
      })
    ).body;
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0].n);
    const state = async () => ({
      tokens: await count('SELECT count(*) AS n FROM api_tokens WHERE revoked_at IS NULL'),
      sessions: await count('SELECT count(*) AS n FROM refresh_tokens WHERE revoked_at IS NULL'),
      password: (await db.query<{ hash: string }>('SELECT password_hash AS hash FROM users WHERE id = $1', [suite.owner.userId])).rows[0].hash,
    });
    const refusedAsProblem = (res: { status: number; headers: Headers }) => {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    };
    try {
      // The database refuses every audit row, as it would a row it cannot store.
      await db.query(
        `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit row refused by the test'; END $$`,
      );
      await db.query(`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_audit()`);
      const before = await state();
      refusedAsProblem(
        await call('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, suite.owner.accessToken, { name: 'unaudited', abilities: ['read'] }),
      );
      refusedAsProblem(await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/api-tokens/${kept.id}`, suite.owner.accessToken));
      refusedAsProblem(
        await call('POST', '/api/v1/me/password', session.accessToken, {
          currentPassword: suite.owner.credentials.password,
          newPassword: 'an unaudited new passphrase',
        }),
      );
      refusedAsProblem(await call('POST', '/api/v1/auth/logout', undefined, { refreshToken: session.refreshToken }));
      refusedAsProblem(await call('POST', '/api/v1/auth/login', undefined, suite.owner.credentials));
      expect(await state()).toEqual(before);
    } finally {
      await db.query('DROP TRIGGER IF EXISTS refuse_audit ON audit_events');
      await db.query('DROP FUNCTION IF EXISTS refuse_audit()');
      await db.end();
    }
    // The session the refused logout named is still live, and the old password still signs in.
    expect((await call('GET', '/api/v1/me', session.accessToken)).status).toBe(200);
    expect((await call('POST', '/api/v1/auth/refresh', undefined, { refreshToken: session.refreshToken })).status).toBe(200);
    expect((await call('POST', '/api/v1/auth/login', undefined, suite.owner.credentials)).status).toBe(200);
  });
});
