import {
  type CreatedInvitationResponse,
  type MeResponse,
  type NotificationTestResultDto,
  Role,
  type SessionResponse,
  type TwoFactorEnrollmentResponse,
} from '@zpanel/contracts';
import { totpAt, totpTimeStep } from '@zpanel/core';
import { Client } from 'pg';
import { TestSmtpServer, firstLink, freePort, useOwnedStack } from '@zpanel/testing';

const PASSWORD = 'a long enough password 1';

/**
 * What the instance emails itself (docs/notifications.md, "Instance email"): the settings' test
 * email, invitations, and a person's own notices, through the built API and worker and a real SMTP
 * server on loopback. The API trusts one proxy hop, so a sign-in can come from another address.
 */
describe('instance email (built api and worker, real SMTP)', () => {
  const suite = useOwnedStack({ worker: true, env: { TRUST_PROXY: '1' } });
  let smtp: TestSmtpServer;

  const setSettings = (body: unknown) => suite.call('PATCH', '/api/v1/system/settings', suite.owner.accessToken, body);
  const testEmail = (to: string) =>
    suite.call<NotificationTestResultDto>('POST', '/api/v1/system/settings/smtp/test', suite.owner.accessToken, { to });
  const invite = (email: string, role = Role.Member) =>
    suite.call<CreatedInvitationResponse>('POST', `/api/v1/teams/${suite.owner.teamId}/invitations`, suite.owner.accessToken, { email, role });
  const login = (email: string, from: string, userAgent = 'NoticeTest/1.0 (e2e)') =>
    suite.call<SessionResponse>(
      'POST',
      '/api/v1/auth/login',
      undefined,
      { email, password: PASSWORD, tokenDelivery: 'body' },
      {
        'x-forwarded-for': from,
        'user-agent': userAgent,
      },
    );
  const events = async (userId: string) => {
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      const result = await db.query<{ kind: string; team_id: string | null; audience: string; title: string; message: string }>(
        'SELECT kind, team_id, audience, title, message FROM notification_events WHERE user_id = $1 ORDER BY occurred_at',
        [userId],
      );
      return result.rows;
    } finally {
      await db.end();
    }
  };
  /** Registers `email` through an emailed invitation, as a person following the link would. */
  const registerFromEmail = async (email: string, role = Role.Member) => {
    const since = new Date();
    const created = await invite(email, role);
    expect(created.status).toBe(201);
    expect(created.body.emailed).toBe(true);
    const mail = await smtp.waitForMail(email, { since, match: (m) => /invited you/.test(m.subject) });
    const link = new URL(firstLink(mail.text));
    const token = link.searchParams.get('token') as string;
    const registered = await suite.call<SessionResponse>('POST', '/api/v1/invitations/register', undefined, {
      token,
      name: 'Invitee',
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
    return { mail, link, token, created: created.body, session: registered.body };
  };

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
  });
  afterAll(() => smtp?.stop());

  describe('without settings', () => {
    it('creates invitations that are not emailed (the link is copied instead)', async () => {
      const created = await invite('not-emailed@example.com');
      expect(created.status).toBe(201);
      expect(created.body.emailed).toBe(false);
      // Email on but no public URL: no absolute link to send (the request's Host is never used).
      expect((await setSettings({ smtp: smtp.settings() })).status).toBe(200);
      const again = await invite('not-emailed@example.com');
      expect(again.body.emailed).toBe(false);
      expect(smtp.to('not-emailed@example.com')).toEqual([]);
    });
  });

  describe('with SMTP settings and a public URL', () => {
    beforeAll(async () => {
      expect((await setSettings({ publicUrl: `${suite.stack.baseUrl}/`, smtp: smtp.settings('zpanel@example.com') })).status).toBe(200);
    });

    it('sends a test email through the saved settings and says so', async () => {
      const res = await testEmail('ops@example.com');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, error: null });
      const mail = await smtp.waitForMail('ops@example.com');
      expect(mail.subject).toBe('Zpanel: test email');
      expect(mail.from).toBe('zpanel@example.com');
    });

    it("answers with the SMTP server's refusal in words (a wrong password; nothing listening)", async () => {
      const guarded = await TestSmtpServer.start({ username: 'zp', password: 'right-pass' });
      try {
        await setSettings({ smtp: { ...guarded.settings(), username: 'zp', password: 'wrong-pass' } });
        const refused = await testEmail('ops@example.com');
        expect(refused.status).toBe(200);
        expect(refused.body.ok).toBe(false);
        expect(refused.body.error).toMatch(/\S/);
        expect(refused.text).not.toContain('wrong-pass');

        await setSettings({ smtp: { ...guarded.settings(), username: 'zp', password: 'right-pass' } });
        expect((await testEmail('guarded@example.com')).body.ok).toBe(true);
        expect((await guarded.waitForMail('guarded@example.com')).username).toBe('zp');

        const closed = await freePort();
        await setSettings({ smtp: { ...smtp.settings(), port: closed } });
        const nothing = await testEmail('ops@example.com');
        expect(nothing.body.ok).toBe(false);
        expect(nothing.body.error).toMatch(/\S/);
      } finally {
        await guarded.stop();
        await setSettings({ smtp: smtp.settings('zpanel@example.com') });
      }
    });

    it('emails an invitation with its link; following it makes the person a member of the team', async () => {
      const { mail, link, created, session } = await registerFromEmail('grace@example.com');
      expect(mail.subject).toBe('Zpanel: Olive Owner invited you to Acme');
      expect(mail.text).toContain('as member');
      expect(`${link.pathname}${link.search}`).toBe(created.acceptPath);
      expect(link.origin).toBe(suite.stack.baseUrl);
      const me = await suite.call<MeResponse>('GET', '/api/v1/me', session.accessToken);
      expect(me.body.teams).toEqual([expect.objectContaining({ teamId: suite.owner.teamId, role: Role.Member })]);
    });

    it('sends a pending invitation again with a new link; the old link stops working', async () => {
      const since = new Date();
      const created = await invite('resend@example.com', Role.Viewer);
      const first = await smtp.waitForMail('resend@example.com', { since });
      const resent = await suite.call<CreatedInvitationResponse>(
        'POST',
        `/api/v1/teams/${suite.owner.teamId}/invitations/${created.body.id}/resend`,
        suite.owner.accessToken,
      );
      expect(resent.status).toBe(200);
      expect(resent.body).toMatchObject({ id: created.body.id, emailed: true, status: 'pending' });
      expect(resent.body.token).not.toBe(created.body.token);
      const second = await smtp.waitForMail('resend@example.com', { match: (m) => m !== first });
      const token = new URL(firstLink(second.text)).searchParams.get('token');
      expect(token).toBe(resent.body.token);

      expect((await suite.call('POST', '/api/v1/invitations/preview', undefined, { token: created.body.token })).status).toBe(410);
      expect((await suite.call('POST', '/api/v1/invitations/preview', undefined, { token })).status).toBe(200);

      // Revoked: nothing to send again.
      await suite.call('DELETE', `/api/v1/teams/${suite.owner.teamId}/invitations/${created.body.id}`, suite.owner.accessToken);
      const gone = await suite.call('POST', `/api/v1/teams/${suite.owner.teamId}/invitations/${created.body.id}/resend`, suite.owner.accessToken);
      expect(gone.status).toBe(409);
    });

    it('tells a person of a sign-in from an address new for them, by email and in their notification centre, once per address', async () => {
      const { session } = await registerFromEmail('notice@example.com');
      const userId = session.user.id;
      // Registration was the account's first sign-in (from 127.0.0.1); the same address again is not new.
      expect((await login('notice@example.com', '127.0.0.1')).status).toBe(200);
      const since = new Date();
      expect((await login('notice@example.com', '203.0.113.7')).status).toBe(200);

      const mail = await smtp.waitForMail('notice@example.com', { since, match: (m) => /New sign-in/.test(m.subject) });
      expect(mail.subject).toBe('Zpanel: New sign-in to your account');
      expect(mail.text).toContain('203.0.113.7');
      expect(mail.text).toContain('NoticeTest/1.0 (e2e)');
      expect(mail.text).toMatch(/If it was not you, change your password/);
      expect(mail.text).toContain(`${suite.stack.baseUrl}/profile`);
      expect(mail.text).not.toContain(PASSWORD);

      // Seen now: signing in from it again tells nobody; another new address does.
      expect((await login('notice@example.com', '203.0.113.7')).status).toBe(200);
      expect((await login('notice@example.com', '203.0.113.8')).status).toBe(200);
      await smtp.waitForMail('notice@example.com', { match: (m) => m.text.includes('203.0.113.8') });
      const notices = smtp.to('notice@example.com').filter((m) => /New sign-in/.test(m.subject));
      expect(notices.map((m) => m.text.includes('203.0.113.7'))).toEqual([true, false]);

      const recorded = await events(userId);
      expect(recorded).toEqual([
        expect.objectContaining({ kind: 'account.new_sign_in', team_id: null, audience: 'user', title: 'New sign-in to your account' }),
        expect.objectContaining({ kind: 'account.new_sign_in', team_id: null, audience: 'user' }),
      ]);
      expect(recorded[0].message).toContain('203.0.113.7');
    });

    it('tells a person when two-factor authentication is turned on, without the secret', async () => {
      const { session } = await registerFromEmail('twofactor-notice@example.com');
      const enrollment = await suite.call<TwoFactorEnrollmentResponse>('POST', '/api/v1/me/two-factor/enrollment', session.accessToken);
      const since = new Date();
      const code = totpAt(enrollment.body.secret, totpTimeStep(Date.now()));
      const confirmed = await suite.call<{ recoveryCodes: string[] }>('POST', '/api/v1/me/two-factor/confirmation', session.accessToken, { code });
      expect(confirmed.status).toBe(200);

      const mail = await smtp.waitForMail('twofactor-notice@example.com', { since, match: (m) => /Two-factor/.test(m.subject) });
      expect(mail.subject).toBe('Zpanel: Two-factor authentication turned on');
      expect(mail.text).toMatch(/If it was not you/);
      expect(mail.text).not.toContain(enrollment.body.secret);
      for (const recovery of confirmed.body.recoveryCodes) expect(mail.text).not.toContain(recovery);
      expect(await events(session.user.id)).toEqual([
        expect.objectContaining({
          kind: 'account.two_factor_changed',
          team_id: null,
          audience: 'user',
          title: 'Two-factor authentication turned on',
        }),
      ]);
    });
  });
});
