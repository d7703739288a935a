import {
  AuditAction,
  type AuditEventDto,
  ErrorCode,
  type MeResponse,
  type Paginated,
  type ProblemDetails,
  REFRESH_COOKIE,
  type SessionResponse,
  TEAM_HEADER,
  type TeamMembershipDto,
} from '@zpanel/contracts';
import { deriveKey, signJwt } from '@zpanel/core';
import { DEFAULT_OWNER, type Stack, signIn, startStack } from '@zpanel/testing';

// One fresh stack for the file (its first run is tested), behind a trusted proxy: a request without
// X-Forwarded-For keeps its own address, so only the last suite, which sends the header, sees a difference.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { TRUST_PROXY: '1' } });
});
afterAll(() => stack?.stop());

/** First run, sessions, password changes, teams and brute-force limits, against the built API. */
describe('identity (built api)', () => {
  /** Every response body of the suite, scanned at the end for secrets that must never leave the server. */
  const bodies: string[] = [];

  const call = async (method: string, path: string, options: { body?: unknown; token?: string; cookie?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.cookie = options.cookie;
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };
  const problem = (r: { json: unknown }) => r.json as ProblemDetails;

  describe('first run', () => {
    it('asks for the owner account while no user exists', async () => {
      expect((await call('GET', '/api/v1/setup')).json).toEqual({ needsOwner: true });
    });

    it('refuses a weak password, naming the field, and creates nothing', async () => {
      const short = await call('POST', '/api/v1/setup/owner', { body: { ...DEFAULT_OWNER, password: 'short' } });
      expect(short.status).toBe(400);
      expect(problem(short).errors?.map((e) => e.field)).toEqual(['password']);

      const withName = await call('POST', '/api/v1/setup/owner', { body: { ...DEFAULT_OWNER, password: 'olive-owner-rules-here' } });
      expect(withName.status).toBe(400);
      expect(problem(withName).errors?.[0]).toMatchObject({ field: 'password' });

      const badEmail = await call('POST', '/api/v1/setup/owner', { body: { ...DEFAULT_OWNER, email: 'not-an-email' } });
      expect(problem(badEmail).errors?.map((e) => e.field)).toEqual(['email']);

      expect((await call('GET', '/api/v1/setup')).json).toEqual({ needsOwner: true });
    });

    it('accepts exactly one of several concurrent owner requests; the rest get 409', async () => {
      const attempts = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/api/v1/setup/owner', { body: DEFAULT_OWNER })));
      expect(attempts.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
      const created = attempts.find((a) => a.status === 201) as Awaited<ReturnType<typeof call>>;
      const session = created.json as SessionResponse;
      expect(session.refreshToken).toBeUndefined();
      const cookie = created.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(new RegExp(`^${REFRESH_COOKIE}=zpr_`));
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\/api\/v1\/auth/);
      expect((await call('GET', '/api/v1/setup')).json).toEqual({ needsOwner: false });
    });
  });

  describe('login', () => {
    it('refuses a wrong password and an unknown email alike', async () => {
      const wrong = await call('POST', '/api/v1/auth/login', { body: { email: DEFAULT_OWNER.email, password: 'not the right one' } });
      const unknown = await call('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: 'not the right one' } });
      for (const r of [wrong, unknown]) {
        expect(r.status).toBe(401);
        expect(problem(r)).toMatchObject({ code: ErrorCode.InvalidCredentials, detail: 'Wrong email or password' });
      }
    });

    it('signs in whatever the case of the email, and returns the refresh token in the body when asked', async () => {
      const r = await call('POST', '/api/v1/auth/login', {
        body: { email: DEFAULT_OWNER.email.toUpperCase(), password: DEFAULT_OWNER.password, tokenDelivery: 'body' },
      });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ refreshToken: expect.stringMatching(/^zpr_/), user: { email: DEFAULT_OWNER.email, twoFactorEnabled: false } });
      expect(r.headers.get('set-cookie')).toBeNull();
    });

    it('answers /me with the user and their team, and 401 without a valid token', async () => {
      const { accessToken } = await signIn(stack.baseUrl, DEFAULT_OWNER);
      const me = await call('GET', '/api/v1/me', { token: accessToken });
      expect(me.status).toBe(200);
      expect(me.json as MeResponse).toMatchObject({ user: { email: DEFAULT_OWNER.email }, teams: [{ teamName: 'Acme', role: 'owner' }] });

      for (const token of [undefined, 'garbage', `${accessToken.slice(0, -2)}xx`]) {
        const r = await call('GET', '/api/v1/me', { token });
        expect(r.status).toBe(401);
        expect(problem(r).code).toBe(ErrorCode.Unauthorized);
      }
    });
  });

  describe('refresh tokens', () => {
    it('rotates on every use, and reusing a spent token revokes the whole family', async () => {
      const { refreshToken: first } = await signIn(stack.baseUrl, DEFAULT_OWNER);
      const second = (await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first } })).json as SessionResponse;
      expect(second.refreshToken).toMatch(/^zpr_/);
      expect(second.refreshToken).not.toBe(first);

      const reuse = await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first } });
      expect(reuse.status).toBe(401);
      expect(problem(reuse).code).toBe(ErrorCode.SessionExpired);
      // The legitimate successor dies with the family: whoever copied the token gains nothing.
      expect((await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: second.refreshToken } })).status).toBe(401);
      // Nor do the access tokens of the family: they are refused at once, not in 15 minutes.
      expect((await call('GET', '/api/v1/me', { token: second.accessToken })).status).toBe(401);
    });

    it('lets exactly one of two concurrent uses of one token win', async () => {
      const { refreshToken } = await signIn(stack.baseUrl, DEFAULT_OWNER);
      const results = await Promise.all([1, 2].map(() => call('POST', '/api/v1/auth/refresh', { body: { refreshToken } })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('works from the httpOnly cookie and rotates the cookie', async () => {
      const login = await call('POST', '/api/v1/auth/login', { body: { email: DEFAULT_OWNER.email, password: DEFAULT_OWNER.password } });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
      const refreshed = await call('POST', '/api/v1/auth/refresh', { cookie });
      expect(refreshed.status).toBe(200);
      expect((refreshed.json as SessionResponse).refreshToken).toBeUndefined();
      expect(refreshed.headers.get('set-cookie')?.split(';')[0]).not.toBe(cookie);
    });

    it('ends the session on logout and clears the cookie', async () => {
      const { refreshToken } = await signIn(stack.baseUrl, DEFAULT_OWNER);
      const out = await call('POST', '/api/v1/auth/logout', { body: { refreshToken } });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${REFRESH_COOKIE}=;`));
      expect((await call('POST', '/api/v1/auth/refresh', { body: { refreshToken } })).status).toBe(401);
    });

    it('refuses the access token of a logged-out session at once', async () => {
      const { refreshToken, accessToken } = await signIn(stack.baseUrl, DEFAULT_OWNER);
      expect((await call('GET', '/api/v1/me', { token: accessToken })).status).toBe(200);
      await call('POST', '/api/v1/auth/logout', { body: { refreshToken } });
      const after = await call('GET', '/api/v1/me', { token: accessToken });
      expect(after.status).toBe(401);
      expect(problem(after).detail).toContain('session has ended');
    });

    it('refuses an access token living longer than 15 minutes, even one signed with the instance key', async () => {
      const { accessToken } = await signIn(stack.baseUrl, DEFAULT_OWNER);
      const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as { sub: string; sid: string };
      const key = deriveKey(Buffer.from(process.env.ZPANEL_SECRET_KEY as string, 'base64'), 'zpanel:jwt:access:v1');
      const long = await signJwt({ sub: claims.sub, sid: claims.sid, typ: 'access' }, key, 24 * 3600);
      const fair = await signJwt({ sub: claims.sub, sid: claims.sid, typ: 'access' }, key, 60);
      expect((await call('GET', '/api/v1/me', { token: fair.token })).status).toBe(200);
      expect((await call('GET', '/api/v1/me', { token: long.token })).status).toBe(401);
    });
  });

  describe('password change', () => {
    const NEW_PASSWORD = 'an entirely new passphrase';

    it('requires the current password, checks the new one, and signs out the other sessions', async () => {
      const current = await signIn(stack.baseUrl, DEFAULT_OWNER);
      const other = await signIn(stack.baseUrl, DEFAULT_OWNER);

      const wrong = await call('POST', '/api/v1/me/password', {
        token: current.accessToken,
        body: { currentPassword: 'nope nope nope', newPassword: NEW_PASSWORD },
      });
      expect(wrong.status).toBe(401);
      expect(problem(wrong).errors?.[0].field).toBe('currentPassword');

      const weak = await call('POST', '/api/v1/me/password', {
        token: current.accessToken,
        body: { currentPassword: DEFAULT_OWNER.password, newPassword: 'short' },
      });
      expect(weak.status).toBe(400);
      expect(problem(weak).errors?.[0].field).toBe('newPassword');

      const ok = await call('POST', '/api/v1/me/password', {
        token: current.accessToken,
        body: { currentPassword: DEFAULT_OWNER.password, newPassword: NEW_PASSWORD },
      });
      expect(ok.status).toBe(204);

      expect((await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: other.refreshToken } })).status).toBe(401);
      expect((await call('GET', '/api/v1/me', { token: other.accessToken })).status).toBe(401);
      expect((await call('GET', '/api/v1/me', { token: current.accessToken })).status).toBe(200);
      expect((await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: current.refreshToken } })).status).toBe(200);
      expect((await call('POST', '/api/v1/auth/login', { body: { email: DEFAULT_OWNER.email, password: DEFAULT_OWNER.password } })).status).toBe(401);

      // Put it back for the tests that follow.
      const again = await signIn(stack.baseUrl, { email: DEFAULT_OWNER.email, password: NEW_PASSWORD });
      await call('POST', '/api/v1/me/password', {
        token: again.accessToken,
        body: { currentPassword: NEW_PASSWORD, newPassword: DEFAULT_OWNER.password },
      });
    });
  });

  describe('teams', () => {
    it('creates a team owned by the caller and lists only the caller’s teams, paginated', async () => {
      const { accessToken } = await signIn(stack.baseUrl, DEFAULT_OWNER);
      const created = await call('POST', '/api/v1/teams', { token: accessToken, body: { name: '  Beta  ' } });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ teamName: 'Beta', role: 'owner' });

      const page = (await call('GET', '/api/v1/teams?perPage=1&page=2', { token: accessToken })).json as Paginated<TeamMembershipDto>;
      expect(page).toMatchObject({ total: 2, page: 2, perPage: 1 });
      expect(page.items).toHaveLength(1);
      expect(page.items[0].teamName).toBe('Beta');

      const bad = await call('GET', '/api/v1/teams?perPage=0', { token: accessToken });
      expect(bad.status).toBe(400);
      expect(problem(bad).errors?.map((e) => e.field)).toEqual(['perPage']);

      const empty = await call('POST', '/api/v1/teams', { token: accessToken, body: { name: '   ' } });
      expect(problem(empty).errors?.map((e) => e.field)).toEqual(['name']);
    });
  });

  describe('brute force', () => {
    it('answers the 11th failed login within a minute for one account with 429 and Retry-After', async () => {
      const body = { email: 'target@example.com', password: 'guess guess guess' };
      for (let i = 0; i < 10; i += 1) expect((await call('POST', '/api/v1/auth/login', { body })).status).toBe(401);
      const blocked = await call('POST', '/api/v1/auth/login', { body });
      expect(blocked.status).toBe(429);
      expect(problem(blocked).code).toBe(ErrorCode.RateLimited);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another account is not affected.
      expect((await call('POST', '/api/v1/auth/login', { body: { email: DEFAULT_OWNER.email, password: DEFAULT_OWNER.password } })).status).toBe(200);
    });

    it('checks exactly 10 of 40 parallel wrong logins for one account; the other 30 get 429 without a password check', async () => {
      const body = { email: 'parallel@example.com', password: 'guess guess guess' };
      const statuses = (await Promise.all(Array.from({ length: 40 }, () => call('POST', '/api/v1/auth/login', { body })))).map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    });

    it('limits guesses of the current password on /me/password to 10 a minute', async () => {
      const { accessToken } = await signIn(stack.baseUrl, DEFAULT_OWNER);
      const body = { currentPassword: 'not the right one', newPassword: 'a brand new passphrase' };
      const statuses = (await Promise.all(Array.from({ length: 15 }, () => call('POST', '/api/v1/me/password', { token: accessToken, body })))).map(
        (r) => r.status,
      );
      expect(statuses.filter((s) => s === 401)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(5);
      // The right password is refused too until the window ends: the limit is on guessing, whatever the guess.
      expect(
        (await call('POST', '/api/v1/me/password', { token: accessToken, body: { ...body, currentPassword: DEFAULT_OWNER.password } })).status,
      ).toBe(429);
    });
  });

  describe('secrets in responses', () => {
    it('never returned a password hash, a TOTP secret or a stored token hash in any response of this suite', () => {
      expect(bodies.length).toBeGreaterThan(30);
      for (const body of bodies) {
        expect(body).not.toMatch(/\$argon2/);
        expect(body).not.toMatch(/password_?hash|passwordHash|token_?hash|tokenHash|totp_?secret|totpSecret/i);
      }
    });
  });
});

describe('client address behind a trusted proxy (TRUST_PROXY=1, built api)', () => {
  it('takes the address the trusted proxy saw (the rightmost X-Forwarded-For hop), not the leftmost one the client wrote', async () => {
    const { accessToken } = await signIn(stack.baseUrl, DEFAULT_OWNER);
    const me = (await (await fetch(`${stack.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as MeResponse;
    const owner = { accessToken, teamId: me.teams[0].teamId };
    const login = await fetch(`${stack.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.66, 198.51.100.7' },
      body: JSON.stringify({ email: DEFAULT_OWNER.email, password: DEFAULT_OWNER.password }),
    });
    expect(login.status).toBe(200);
    const events = (await (
      await fetch(`${stack.baseUrl}/api/v1/audit-events?action=${AuditAction.LoginSucceeded}`, {
        headers: { authorization: `Bearer ${owner.accessToken}`, [TEAM_HEADER]: owner.teamId },
      })
    ).json()) as Paginated<AuditEventDto>;
    expect(events.items.map((e) => e.ip)).toContain('198.51.100.7');
    expect(events.items.map((e) => e.ip)).not.toContain('203.0.113.66');
  });
});
