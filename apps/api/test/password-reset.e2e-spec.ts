import {
  ErrorCode,
  type MeResponse,
  PASSWORD_RESET_PATH,
  type ProblemDetails,
  Role,
  type SessionResponse,
  type TwoFactorEnrollmentResponse,
} from '@zpanel/contracts';
import { injectionPayloads, totpAt, totpTimeStep } from '@zpanel/core';
import { Client } from 'pg';
import { type ReceivedMail, TestSmtpServer, firstLink, joinTeam, useOwnedStack } from '@zpanel/testing';

const PASSWORD = 'a long enough password 1';
const NEW_PASSWORD = 'a brand new passphrase 2';

/**
 * Self-service password reset (docs/security.md, "Password reset") through the built API and
 * worker, with a real SMTP server on loopback receiving the links. The API trusts one proxy hop, so
 * each test speaks from an address of its own (X-Forwarded-For) and the per-address limits of one
 * test do not reach another.
 */
describe('password reset (built api and worker, real SMTP)', () => {
  const suite = useOwnedStack({ worker: true, env: { TRUST_PROXY: '1' } });
  let smtp: TestSmtpServer;
  let address = 10;
  /** A client address no other test uses. */
  const nextAddress = () => `198.51.100.${address++}`;

  const ask = (email: unknown, ip: string) =>
    suite.call<{ message: string }>('POST', '/api/v1/auth/password-reset', undefined, { email }, { 'x-forwarded-for': ip });
  const confirm = (body: unknown, ip = nextAddress()) =>
    suite.call<ProblemDetails>('POST', '/api/v1/auth/password-reset/confirm', undefined, body, { 'x-forwarded-for': ip });
  const login = (email: string, password: string, extra: Record<string, string> = {}) =>
    suite.call<SessionResponse & ProblemDetails>('POST', '/api/v1/auth/login', undefined, { email, password, tokenDelivery: 'body', ...extra });
  const fieldsOf = (body: unknown) => [...new Set(((body as ProblemDetails).errors ?? []).map((error) => error.field))];
  /** The token of the emailed link (in its fragment). */
  const tokenOf = (mail: ReceivedMail) => new URL(firstLink(mail.text)).hash.replace(/^#token=/, '');
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      return (await db.query(sql, params)).rows as T[];
    } finally {
      await db.end();
    }
  };
  const resetMail = async (email: string, since: Date) =>
    smtp.waitForMail(email, { since, match: (mail) => /reset your password/.test(mail.subject) });

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    const saved = await suite.call('PATCH', '/api/v1/system/settings', suite.owner.accessToken, {
      publicUrl: suite.stack.baseUrl,
      smtp: smtp.settings('zpanel@example.com'),
    });
    expect(saved.status).toBe(200);
  });
  afterAll(() => smtp?.stop());

  it('answers an unknown address exactly as an account, and emails only the account', async () => {
    const since = new Date();
    const unknown = await ask('nobody-here@example.com', nextAddress());
    const known = await ask(suite.owner.credentials.email.toUpperCase(), nextAddress());
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    expect(unknown.text).toBe(known.text);
    expect(known.body.message).toMatch(/^If an account exists for this address, we sent it a link/);
    expect(unknown.headers.get('content-type')).toBe(known.headers.get('content-type'));

    const mail = await resetMail(suite.owner.credentials.email, since);
    expect(mail.from).toBe('zpanel@example.com');
    const link = firstLink(mail.text);
    expect(link.startsWith(`${suite.stack.baseUrl}${PASSWORD_RESET_PATH}#token=zpp_`)).toBe(true);
    // The request for the unknown address was handled first; nothing went anywhere for it.
    expect(smtp.to('nobody-here@example.com')).toEqual([]);
    // Only the hash is stored.
    const rows = await query<{ token_hash: string }>('SELECT token_hash FROM password_resets');
    expect(rows.map((row) => row.token_hash)).not.toContain(tokenOf(mail));
  });

  it('sets the password once with the emailed link, ends every session, and refuses the link afterwards', async () => {
    const person = await joinTeam(suite.call, suite.owner, 'reset-me@example.com', Role.Member, { password: PASSWORD });
    const other = await login('reset-me@example.com', PASSWORD);
    expect(other.status).toBe(200);

    const since = new Date();
    expect((await ask('reset-me@example.com', nextAddress())).status).toBe(202);
    const token = tokenOf(await resetMail('reset-me@example.com', since));

    // A refused password leaves the link usable.
    const weak = await confirm({ token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(fieldsOf(weak.body)).toEqual(['password']);
    const personal = await confirm({ token, password: 'reset-me@example.com' });
    expect(personal.status).toBe(400);
    expect(fieldsOf(personal.body)).toEqual(['password']);

    expect((await confirm({ token, password: NEW_PASSWORD })).status).toBe(204);

    // Every session ended: both access tokens and both refresh tokens.
    for (const session of [person.session, other.body]) {
      expect((await suite.call('GET', '/api/v1/me', session.accessToken)).status).toBe(401);
      const refreshed = await suite.call<ProblemDetails>('POST', '/api/v1/auth/refresh', undefined, { refreshToken: session.refreshToken });
      expect(refreshed.status).toBe(401);
    }
    expect((await login('reset-me@example.com', PASSWORD)).status).toBe(401);
    const signedIn = await login('reset-me@example.com', NEW_PASSWORD);
    expect(signedIn.status).toBe(200);
    expect((await suite.call<MeResponse>('GET', '/api/v1/me', signedIn.body.accessToken)).body.user.email).toBe('reset-me@example.com');

    // Single use.
    const again = await confirm({ token, password: 'yet another passphrase 3' });
    expect(again.status).toBe(400);
    expect(fieldsOf(again.body)).toEqual(['token']);
    expect((await login('reset-me@example.com', NEW_PASSWORD)).status).toBe(200);

    const audit = await query<{ action: string }>(
      "SELECT action FROM audit_events WHERE target_id = $1 AND action LIKE 'auth.password_reset%' ORDER BY created_at",
      [person.userId],
    );
    expect(audit.map((row) => row.action)).toEqual(['auth.password_reset_requested', 'auth.password_reset_completed']);
  });

  it('refuses an expired link, and an earlier link once a newer one was sent', async () => {
    await joinTeam(suite.call, suite.owner, 'expiry@example.com', Role.Viewer, { password: PASSWORD });
    let since = new Date();
    await ask('expiry@example.com', nextAddress());
    const first = tokenOf(await resetMail('expiry@example.com', since));
    since = new Date();
    await ask('expiry@example.com', nextAddress());
    const second = tokenOf(await resetMail('expiry@example.com', since));
    expect(second).not.toBe(first);

    const replaced = await confirm({ token: first, password: NEW_PASSWORD });
    expect(replaced.status).toBe(400);
    expect(fieldsOf(replaced.body)).toEqual(['token']);

    await query("UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL");
    const expired = await confirm({ token: second, password: NEW_PASSWORD });
    expect(expired.status).toBe(400);
    expect(fieldsOf(expired.body)).toEqual(['token']);
    expect((await login('expiry@example.com', PASSWORD)).status).toBe(200);
  });

  it('keeps two-factor authentication on: signing in with the new password still asks for the code', async () => {
    const person = await joinTeam(suite.call, suite.owner, 'two-factor-reset@example.com', Role.Member, { password: PASSWORD });
    const enrollment = await suite.call<TwoFactorEnrollmentResponse>('POST', '/api/v1/me/two-factor/enrollment', person.accessToken);
    const code = totpAt(enrollment.body.secret, totpTimeStep(Date.now()));
    expect((await suite.call('POST', '/api/v1/me/two-factor/confirmation', person.accessToken, { code })).status).toBe(200);

    const since = new Date();
    await ask('two-factor-reset@example.com', nextAddress());
    const token = tokenOf(await resetMail('two-factor-reset@example.com', since));
    expect((await confirm({ token, password: NEW_PASSWORD })).status).toBe(204);

    const asked = await login('two-factor-reset@example.com', NEW_PASSWORD);
    expect(asked.status).toBe(401);
    expect(asked.body.code).toBe(ErrorCode.TwoFactorRequired);
  });

  it('limits requests per email address (whatever the client address) and per client address (whatever the email)', async () => {
    const perEmail = [];
    for (let i = 0; i < 4; i++) perEmail.push((await ask('flooded@example.com', nextAddress())).status);
    expect(perEmail).toEqual([202, 202, 202, 429]);

    const ip = nextAddress();
    const perAddress = [];
    for (let i = 0; i < 11; i++) perAddress.push((await ask(`sprayed-${i}@example.com`, ip)).status);
    expect(perAddress).toEqual([...Array(10).fill(202), 429]);
    const refused = await ask('another@example.com', ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses malformed and hostile input naming the field, and leaves every password alone', async () => {
    const ip = nextAddress();
    for (const email of ['not-an-address', '', 42, null, 'a@example.com\r\nBcc: b@example.com']) {
      const res = await ask(email, ip);
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['email']);
    }
    for (const payload of injectionPayloads('/tmp/zp-reset-canary')) {
      const asked = await ask(payload, nextAddress());
      expect(asked.status).toBe(400);
      expect(fieldsOf(asked.body)).toEqual(['email']);
      const confirmed = await confirm({ token: payload, password: NEW_PASSWORD });
      expect(confirmed.status).toBe(400);
      expect(fieldsOf(confirmed.body)).toEqual(['token']);
    }
    // Shaped like a reset token but failing its checksum, another kind of token, a missing field.
    for (const token of ['zpp_000000000000000000000000000000aaaaaa', 'zpi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', suite.owner.refreshToken]) {
      const res = await confirm({ token, password: NEW_PASSWORD });
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['token']);
    }
    const missing = await confirm({ password: NEW_PASSWORD });
    expect(fieldsOf(missing.body)).toEqual(['token']);
    const long = await confirm({ token: 'zpp_x', password: 'p'.repeat(300) });
    expect(long.status).toBe(400);
    expect(fieldsOf(long.body)).toContain('password');
    expect((await login(suite.owner.credentials.email, suite.owner.credentials.password)).status).toBe(200);
  });

  it('sends nothing when email is off, with the same answer', async () => {
    await joinTeam(suite.call, suite.owner, 'no-email@example.com', Role.Viewer, { password: PASSWORD });
    const since = new Date();
    const before = await ask('no-email@example.com', nextAddress());
    await resetMail('no-email@example.com', since);
    expect((await suite.call('PATCH', '/api/v1/system/settings', suite.owner.accessToken, { smtp: null })).status).toBe(200);
    try {
      const res = await ask('no-email@example.com', nextAddress());
      expect(res.status).toBe(202);
      expect(res.text).toBe(before.text);
      // The second request makes nothing: no row, no mail.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const rows = await query<{ n: string }>(
        "SELECT count(*) AS n FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.email = 'no-email@example.com'",
      );
      expect(rows[0].n).toBe('1');
      expect(smtp.to('no-email@example.com').filter((mail) => /reset your password/.test(mail.subject))).toHaveLength(1);
    } finally {
      await suite.call('PATCH', '/api/v1/system/settings', suite.owner.accessToken, { smtp: smtp.settings() });
    }
  });
});
