import {
  ErrorCode,
  type MeResponse,
  type ProblemDetails,
  RECOVERY_CODE_COUNT,
  type RecoveryCodesResponse,
  type TwoFactorEnrollmentResponse,
} from '@zpanel/contracts';
import { deriveKey, hashRecoveryCode, totpAt, totpTimeStep, verifyTotp } from '@zpanel/core';
import { signIn, useOwnedStack } from '@zpanel/testing';

const PERIOD_MS = 30_000;
/** Below this much time left in the current step, the previous step's code is not used (the server may already be a step further). */
const SAFETY_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** TOTP enrollment, confirmation, login with codes (no replay), recovery codes and disabling, against the built API. */
describe('two-factor authentication (built api)', () => {
  const suite = useOwnedStack();
  /** Every response body of the suite, with whether it is an enrollment response (the only place a secret may appear). */
  const bodies: { enrollment: boolean; text: string }[] = [];
  const issuedSecrets: string[] = [];
  const issuedRecoveryCodes: string[] = [];

  let secret = '';
  /** The latest time step the suite has sent a code for: the server refuses it and every earlier one. */
  let lastStep = -1;
  let recoveryCodes: string[] = [];

  const call = async (method: string, path: string, options: { body?: unknown; token?: string | null } = {}) => {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const token = options.token === undefined ? suite.owner.accessToken : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${suite.stack.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    bodies.push({ enrollment: method === 'POST' && path === '/api/v1/me/two-factor/enrollment', text });
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const problem = (r: { json: unknown }) => r.json as ProblemDetails;
  const fields = (r: { json: unknown }) => problem(r).errors?.map((e) => e.field);
  const login = (extra: { totpCode?: string; recoveryCode?: string } = {}) =>
    call('POST', '/api/v1/auth/login', { token: null, body: { ...suite.owner.credentials, tokenDelivery: 'body', ...extra } });
  const twoFactorEnabled = async () => ((await call('GET', '/api/v1/me')).json as MeResponse).user.twoFactorEnabled;

  const enroll = async () => {
    const r = await call('POST', '/api/v1/me/two-factor/enrollment');
    expect(r.status).toBe(201);
    const enrollment = r.json as TwoFactorEnrollmentResponse;
    issuedSecrets.push(enrollment.secret);
    return enrollment;
  };

  /**
   * A code the server accepts and has not seen: the earliest step after the last one used that is
   * inside the server's ±1 step window, with margin at the step boundary. When every such step is
   * spent, waits for the clock to move on (at most one step), so the test never races the clock.
   */
  const freshCode = async (): Promise<string> => {
    for (;;) {
      const now = Date.now();
      const current = totpTimeStep(now);
      const msLeft = (current + 1) * PERIOD_MS - now;
      const earliest = msLeft > SAFETY_MS ? current - 1 : current;
      const step = Math.max(earliest, lastStep + 1);
      if (step <= current + 1) {
        lastStep = step;
        return totpAt(secret, step);
      }
      await sleep(msLeft + 100);
    }
  };

  /** Six digits valid for no step near now (checked with the library the server uses). */
  const wrongCode = (): string => {
    for (let n = 0; ; n++) {
      const candidate = String((123_456 + n * 7_919) % 1_000_000).padStart(6, '0');
      if (verifyTotp(secret, candidate, { window: 3 }) === null) return candidate;
    }
  };

  const expectRecoveryCodes = (r: { status: number; json: unknown }): string[] => {
    expect(r.status).toBe(200);
    const codes = (r.json as RecoveryCodesResponse).recoveryCodes;
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    issuedRecoveryCodes.push(...codes);
    return codes;
  };

  describe('before enrollment', () => {
    it('needs a signed-in caller', async () => {
      const r = await call('POST', '/api/v1/me/two-factor/enrollment', { token: null });
      expect(r.status).toBe(401);
      expect(problem(r).code).toBe(ErrorCode.Unauthorized);
    });

    it('answers 409 to confirming, disabling or regenerating codes while nothing is pending or enabled', async () => {
      const confirm = await call('POST', '/api/v1/me/two-factor/confirmation', { body: { code: '123456' } });
      const disable = await call('POST', '/api/v1/me/two-factor/disable', { body: { password: suite.owner.credentials.password, code: '123456' } });
      const regenerate = await call('POST', '/api/v1/me/two-factor/recovery-codes', { body: { code: '123456' } });
      for (const r of [confirm, disable, regenerate]) {
        expect(r.status).toBe(409);
        expect(problem(r).code).toBe(ErrorCode.Conflict);
      }
    });
  });

  describe('enrollment and confirmation', () => {
    it('returns a base32 secret and its otpauth URI; restarting replaces the secret', async () => {
      const first = await enroll();
      expect(first.secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(first.otpauthUri).toBe(
        `otpauth://totp/Zpanel:${encodeURIComponent(suite.owner.credentials.email)}?secret=${first.secret}&issuer=Zpanel&algorithm=SHA1&digits=6&period=30`,
      );

      const second = await enroll();
      expect(second.secret).not.toBe(first.secret);
      secret = second.secret;
      // A code from the abandoned secret does not confirm the new one (unless, one time in a
      // million, it happens to be the new secret's code too: then there is nothing to check).
      const stale = totpAt(first.secret, totpTimeStep());
      if (verifyTotp(secret, stale, { window: 2 }) === null) {
        expect((await call('POST', '/api/v1/me/two-factor/confirmation', { body: { code: stale } })).status).toBe(401);
      }
      expect(await twoFactorEnabled()).toBe(false);
    });

    it('refuses a wrong or malformed code, naming `code`, and leaves 2FA off', async () => {
      const wrong = await call('POST', '/api/v1/me/two-factor/confirmation', { body: { code: wrongCode() } });
      expect(wrong.status).toBe(401);
      expect(problem(wrong).code).toBe(ErrorCode.InvalidCredentials);
      expect(fields(wrong)).toEqual(['code']);

      for (const code of ['12345', 'abcdef', '1234567', 123456]) {
        const malformed = await call('POST', '/api/v1/me/two-factor/confirmation', { body: { code } });
        expect(malformed.status).toBe(400);
        expect(problem(malformed).code).toBe(ErrorCode.ValidationFailed);
        expect(fields(malformed)).toContain('code');
      }
      expect(await twoFactorEnabled()).toBe(false);
    });

    it('confirms with the current code and returns 10 recovery codes, shown once', async () => {
      recoveryCodes = expectRecoveryCodes(await call('POST', '/api/v1/me/two-factor/confirmation', { body: { code: await freshCode() } }));
      const me = await call('GET', '/api/v1/me');
      expect((me.json as MeResponse).user.twoFactorEnabled).toBe(true);
      expect(JSON.stringify(me.json)).not.toContain(secret);
    });

    it('answers 409 to a second confirmation or a new enrollment while 2FA is on', async () => {
      const again = await call('POST', '/api/v1/me/two-factor/confirmation', { body: { code: wrongCode() } });
      expect(again.status).toBe(409);
      const reenroll = await call('POST', '/api/v1/me/two-factor/enrollment');
      expect(reenroll.status).toBe(409);
      expect(await twoFactorEnabled()).toBe(true);
    });
  });

  describe('login', () => {
    it('asks for a code when only the password is given', async () => {
      const r = await login();
      expect(r.status).toBe(401);
      expect(problem(r).code).toBe(ErrorCode.TwoFactorRequired);
    });

    it('refuses a wrong code, naming totpCode', async () => {
      const r = await login({ totpCode: wrongCode() });
      expect(r.status).toBe(401);
      expect(problem(r).code).toBe(ErrorCode.InvalidCredentials);
      expect(fields(r)).toEqual(['totpCode']);
    });

    it('signs in with the current code, and refuses the same code a second time (replay)', async () => {
      const code = await freshCode();
      const first = await login({ totpCode: code });
      expect(first.status).toBe(200);
      expect(first.json).toMatchObject({ user: { email: suite.owner.credentials.email, twoFactorEnabled: true } });

      const replay = await login({ totpCode: code });
      expect(replay.status).toBe(401);
      expect(problem(replay).code).toBe(ErrorCode.InvalidCredentials);
      expect(fields(replay)).toEqual(['totpCode']);
    });

    it('lets exactly one of two concurrent logins with one code through', async () => {
      const code = await freshCode();
      const attempts = await Promise.all([login({ totpCode: code }), login({ totpCode: code })]);
      expect(attempts.map((a) => a.status).sort()).toEqual([200, 401]);
    });

    it('signs in with a recovery code once; the same recovery code then fails', async () => {
      const [code] = recoveryCodes;
      const first = await login({ recoveryCode: code });
      expect(first.status).toBe(200);

      const again = await login({ recoveryCode: code });
      expect(again.status).toBe(401);
      expect(problem(again).code).toBe(ErrorCode.InvalidCredentials);
      expect(fields(again)).toEqual(['recoveryCode']);
    });

    it('accepts a recovery code typed in capitals and spaced, and spends it for concurrent logins exactly once', async () => {
      const typed = recoveryCodes[1].toUpperCase().replace('-', ' - ');
      const attempts = await Promise.all([login({ recoveryCode: typed }), login({ recoveryCode: recoveryCodes[1] })]);
      expect(attempts.map((a) => a.status).sort()).toEqual([200, 401]);
    });
  });

  describe('recovery codes', () => {
    it('refuses regeneration with a wrong or spent code, naming `code`', async () => {
      for (const code of [wrongCode(), recoveryCodes[0]]) {
        const r = await call('POST', '/api/v1/me/two-factor/recovery-codes', { body: { code } });
        expect(r.status).toBe(401);
        expect(problem(r).code).toBe(ErrorCode.InvalidCredentials);
        expect(fields(r)).toEqual(['code']);
      }
    });

    it('regenerates 10 new codes with a recovery code; the old ones stop working', async () => {
      const old = recoveryCodes;
      recoveryCodes = expectRecoveryCodes(await call('POST', '/api/v1/me/two-factor/recovery-codes', { body: { code: old[2] } }));
      expect(recoveryCodes.some((code) => old.includes(code))).toBe(false);

      const stale = await login({ recoveryCode: old[3] });
      expect(stale.status).toBe(401);
      expect(fields(stale)).toEqual(['recoveryCode']);
      expect((await login({ recoveryCode: recoveryCodes[0] })).status).toBe(200);
    });
  });

  describe('disabling', () => {
    it('refuses a wrong password or a wrong code, naming the field, and keeps 2FA on', async () => {
      const wrongPassword = await call('POST', '/api/v1/me/two-factor/disable', {
        body: { password: 'not the right password', code: recoveryCodes[1] },
      });
      expect(wrongPassword.status).toBe(401);
      expect(problem(wrongPassword).code).toBe(ErrorCode.InvalidCredentials);
      expect(fields(wrongPassword)).toEqual(['password']);

      for (const code of [wrongCode(), recoveryCodes[0], 'zzzzz-zzzzz']) {
        const wrong = await call('POST', '/api/v1/me/two-factor/disable', { body: { password: suite.owner.credentials.password, code } });
        expect(wrong.status).toBe(401);
        expect(problem(wrong).code).toBe(ErrorCode.InvalidCredentials);
        expect(fields(wrong)).toEqual(['code']);
      }

      const missing = await call('POST', '/api/v1/me/two-factor/disable', { body: { password: suite.owner.credentials.password } });
      expect(missing.status).toBe(400);
      expect(fields(missing)).toContain('code');

      expect(await twoFactorEnabled()).toBe(true);
      expect(problem(await login()).code).toBe(ErrorCode.TwoFactorRequired);
    });

    it('turns 2FA off with the password and a current code; the password alone then signs in', async () => {
      const r = await call('POST', '/api/v1/me/two-factor/disable', {
        body: { password: suite.owner.credentials.password, code: await freshCode() },
      });
      expect(r.status).toBe(204);
      expect(await twoFactorEnabled()).toBe(false);

      const session = await signIn(suite.stack.baseUrl, suite.owner.credentials);
      expect(session.accessToken).toBeTruthy();
      // Nothing to regenerate or disable any more.
      expect((await call('POST', '/api/v1/me/two-factor/recovery-codes', { body: { code: recoveryCodes[2] } })).status).toBe(409);
    });

    it('can enroll again afterwards, with a new secret', async () => {
      const again = await enroll();
      expect(issuedSecrets.slice(0, -1)).not.toContain(again.secret);
      expect(await twoFactorEnabled()).toBe(false);
    });
  });

  it('never returned a TOTP secret outside its enrollment response, nor a recovery code hash', () => {
    expect(issuedSecrets.length).toBeGreaterThan(0);
    const key = deriveKey(Buffer.from(process.env.ZPANEL_SECRET_KEY as string, 'base64'), 'zpanel:recovery-codes:v1');
    const hashes = issuedRecoveryCodes.map((code) => hashRecoveryCode(code, key));
    for (const body of bodies) {
      if (!body.enrollment) {
        for (const s of issuedSecrets) expect(body.text).not.toContain(s);
      }
      for (const hash of hashes) expect(body.text).not.toContain(hash);
      expect(body.text).not.toMatch(/totp_?secret|code_?hash/i);
    }
  });
});
