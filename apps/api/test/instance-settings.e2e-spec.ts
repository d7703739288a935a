import { type InstanceSettingsDto, type ProblemDetails, Role } from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import { Client } from 'pg';
import { joinTeam, useOwnedStack } from '@zpanel/testing';

const PASSWORD = 'a long enough password 1';
const SMTP = { host: 'smtp.example.com', port: 587, security: 'starttls', username: 'zpanel', from: 'zpanel@example.com' } as const;

/** The instance's public URL and SMTP settings (docs/notifications.md, "Instance email"), against the built API. */
describe('instance settings (System)', () => {
  const suite = useOwnedStack();
  const bodies: string[] = [];

  const settings = async <T = InstanceSettingsDto>(method: 'GET' | 'PATCH', body?: unknown, token = suite.owner.accessToken) => {
    const res = await suite.call<T>(method, '/api/v1/system/settings', token, body);
    bodies.push(res.text);
    return res;
  };
  const fieldsOf = (body: unknown) => [...new Set(((body as ProblemDetails).errors ?? []).map((error) => error.field))];
  const storedPassword = async (): Promise<string | null> => {
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      return (await db.query<{ smtp_password: string | null }>('SELECT smtp_password FROM instance')).rows[0].smtp_password;
    } finally {
      await db.end();
    }
  };

  it('starts with no public URL and email off', async () => {
    const res = await settings('GET');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ publicUrl: null, smtp: null });
  });

  it("refuses everyone but the first team's owners (an admin and a viewer of that team get 403 and change nothing)", async () => {
    const admin = await joinTeam(suite.call, suite.owner, 'settings-admin@example.com', Role.Admin, { password: PASSWORD });
    const viewer = await joinTeam(suite.call, suite.owner, 'settings-viewer@example.com', Role.Viewer, { password: PASSWORD });
    for (const token of [admin.accessToken, viewer.accessToken]) {
      expect((await settings('GET', undefined, token)).status).toBe(403);
      expect((await settings('PATCH', { publicUrl: 'https://evil.example.com' }, token)).status).toBe(403);
      const test = await suite.call('POST', '/api/v1/system/settings/smtp/test', token, { to: 'x@example.com' });
      expect(test.status).toBe(403);
    }
    expect((await settings('GET')).body.publicUrl).toBeNull();
  });

  it('stores the public URL as an origin with an optional path, without its trailing slash', async () => {
    const res = await settings('PATCH', { publicUrl: 'https://Zpanel.Example.com/panel/' });
    expect(res.status).toBe(200);
    expect(res.body.publicUrl).toBe('https://zpanel.example.com/panel');
    expect((await settings('PATCH', { publicUrl: 'http://10.0.0.5:8080' })).body.publicUrl).toBe('http://10.0.0.5:8080');
    expect((await settings('PATCH', { publicUrl: null })).body.publicUrl).toBeNull();
    expect((await settings('PATCH', { publicUrl: 'https://zpanel.example.com/' })).body.publicUrl).toBe('https://zpanel.example.com');
  });

  it.each([
    ['not a URL', 'zpanel.example.com'],
    ['another scheme', 'ftp://zpanel.example.com'],
    ['a script', 'javascript:alert(1)'],
    ['credentials', 'https://user:secret@zpanel.example.com'],
    ['a query', 'https://zpanel.example.com/?next=/x'],
    ['a fragment', 'https://zpanel.example.com/#x'],
    ['a line break the URL parser would drop', 'https://zpanel.exa\nmple.com'],
    ['more than 500 characters', `https://zpanel.example.com/${'p'.repeat(480)}`],
    ['a number', 42],
  ])('refuses a public URL with %s (400 naming publicUrl), keeping the saved one', async (_what, publicUrl) => {
    const res = await settings('PATCH', { publicUrl });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['publicUrl']);
    expect((await settings('GET')).body.publicUrl).toBe('https://zpanel.example.com');
  });

  it('saves SMTP settings with a sealed password that no response carries', async () => {
    const password = 'smtp-pass-Xq83vLw';
    const res = await settings('PATCH', { smtp: { ...SMTP, password } });
    expect(res.status).toBe(200);
    expect(res.body.smtp).toEqual({ ...SMTP, passwordSet: true });
    expect((await settings('GET')).body.smtp).toEqual({ ...SMTP, passwordSet: true });
    const sealed = await storedPassword();
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(password);
    expect(bodies.join('\n')).not.toContain(password);
  });

  it('keeps the password when it is omitted and the host stays, forgets it when the host changes, clears it with null', async () => {
    await settings('PATCH', { smtp: { ...SMTP, password: 'first-pass-8Hq2' } });
    const kept = await settings('PATCH', { smtp: { ...SMTP, port: 2525 } });
    expect(kept.body.smtp).toMatchObject({ port: 2525, passwordSet: true });

    // The saved password never goes to a server it was not given for.
    const moved = await settings('PATCH', { smtp: { ...SMTP, host: 'other-smtp.example.com' } });
    expect(moved.body.smtp).toMatchObject({ host: 'other-smtp.example.com', passwordSet: false });
    expect(await storedPassword()).toBeNull();

    await settings('PATCH', { smtp: { ...SMTP, password: 'second-pass-4Kd9' } });
    expect((await settings('PATCH', { smtp: { ...SMTP, password: null } })).body.smtp).toMatchObject({ passwordSet: false });
  });

  it('turns email off with smtp: null, forgetting the password, and leaves the public URL alone', async () => {
    await settings('PATCH', { smtp: { ...SMTP, password: 'third-pass-7Lm1' } });
    const off = await settings('PATCH', { smtp: null });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ publicUrl: 'https://zpanel.example.com', smtp: null });
    expect(await storedPassword()).toBeNull();
    // Nothing to test with: 409 in words.
    const test = await suite.call<ProblemDetails>('POST', '/api/v1/system/settings/smtp/test', suite.owner.accessToken, { to: 'ops@example.com' });
    expect(test.status).toBe(409);
    expect(test.body.detail).toMatch(/SMTP settings/);
  });

  it.each([
    ['smtp.host', { ...SMTP, host: 'not a host!' }],
    ['smtp.host', { ...SMTP, host: '-oProxyCommand=x' }],
    ['smtp.port', { ...SMTP, port: 0 }],
    ['smtp.port', { ...SMTP, port: 65536 }],
    ['smtp.port', { ...SMTP, port: '587' }],
    ['smtp.security', { ...SMTP, security: 'ssl' }],
    ['smtp.from', { ...SMTP, from: 'not-an-address' }],
    ['smtp.from', { ...SMTP, from: 'a@example.com\r\nBcc: victim@example.com' }],
    ['smtp.username', { ...SMTP, username: 'zp\r\nMAIL FROM:<x@example.com>' }],
    ['smtp.username', { ...SMTP, username: '' }],
    ['smtp.password', { ...SMTP, password: '' }],
    ['smtp.host', { port: 25, security: 'none', from: 'a@example.com' }],
  ])('refuses SMTP settings with a bad %s (400 naming it) and saves nothing', async (field, smtp) => {
    const res = await settings('PATCH', { publicUrl: 'https://changed.example.com', smtp });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
    expect((await settings('GET')).body).toEqual({ publicUrl: 'https://zpanel.example.com', smtp: null });
  });

  it('refuses an SMTP host that is or resolves to an address the instance does not connect to (a metadata service)', async () => {
    for (const host of ['169.254.169.254', 'fe80::1', '0.0.0.0']) {
      const res = await settings('PATCH', { smtp: { ...SMTP, host } });
      expect(res.status).toBe(400);
      expect((res.body as unknown as ProblemDetails).errors).toEqual([{ field: 'smtp.host', message: expect.stringMatching(/does not connect to/) }]);
    }
    expect((await settings('GET')).body.smtp).toBeNull();
  });

  it('refuses the hostile list in every text field, naming the field, or stores it verbatim where it is harmless (the user name)', async () => {
    const outcomes: string[] = [];
    for (const payload of injectionPayloads('/tmp/zp-settings-canary')) {
      for (const [field, body] of [
        ['publicUrl', { publicUrl: payload }],
        ['smtp.host', { smtp: { ...SMTP, host: payload } }],
        ['smtp.from', { smtp: { ...SMTP, from: payload } }],
      ] as const) {
        const res = await settings('PATCH', body);
        outcomes.push(`${field} ${res.status} ${res.status === 400 ? fieldsOf(res.body).join(',') : ''}`);
      }
      const user = await settings('PATCH', { smtp: { ...SMTP, username: payload } });
      if (user.status === 200) expect(user.body.smtp?.username).toBe(payload);
      else {
        expect(user.status).toBe(400);
        expect(fieldsOf(user.body)).toEqual(['smtp.username']);
      }
    }
    const expected = injectionPayloads('/tmp/zp-settings-canary').flatMap(() => [
      'publicUrl 400 publicUrl',
      'smtp.host 400 smtp.host',
      'smtp.from 400 smtp.from',
    ]);
    expect(outcomes).toEqual(expected);
    await settings('PATCH', { smtp: null });
  });

  it('refuses a test email to something that is not an address (400 naming to)', async () => {
    for (const to of ['nobody', 'a@example.com\r\nRCPT TO:<b@example.com>', '', 42]) {
      const res = await suite.call('POST', '/api/v1/system/settings/smtp/test', suite.owner.accessToken, { to });
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['to']);
    }
  });

  it('records each change in the audit log of the first team, without the password', async () => {
    await settings('PATCH', { smtp: { ...SMTP, password: 'audited-pass-1Qz' } });
    const audit = await suite.call<{ items: { action: string; metadata: Record<string, unknown> }[] }>(
      'GET',
      '/api/v1/audit-events?action=instance.settings_updated',
      suite.owner.accessToken,
      undefined,
      { 'x-zpanel-team': suite.owner.teamId },
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items[0]).toMatchObject({ action: 'instance.settings_updated', metadata: { fields: ['smtp', 'smtp.password'] } });
    expect(audit.text).not.toContain('audited-pass-1Qz');
  });
});
