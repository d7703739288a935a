import { createHmac, randomBytes } from 'node:crypto';
import { ACCESS_TOKEN_TTL_SECONDS } from '@zpanel/contracts';
import { JwtError, type JwtErrorReason, deriveKey, signJwt, verifyJwt } from './jwt';

const key = randomBytes(32);
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
/** Verification at `now`, allowing lifetimes up to an hour. */
const at = (now: number) => ({ now, maxLifetimeSeconds: 3600 });

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token signed with HMAC-SHA256 over whatever header and payload a forger chooses. */
function forge(header: unknown, payload: unknown, signingKey = key): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', signingKey).update(input).digest('base64url')}`;
}

async function reasonOf(run: () => Promise<unknown>): Promise<JwtErrorReason | 'no error'> {
  try {
    await run();
    return 'no error';
  } catch (error) {
    if (error instanceof JwtError) return error.reason;
    throw error;
  }
}

describe(signJwt.name, () => {
  it('issues a token that verifies, carrying the claims plus iat and exp in seconds', async () => {
    const { token, expiresAt } = await signJwt({ sub: 'user-1', teams: ['a'] }, key, ACCESS_TOKEN_TTL_SECONDS, NOW);
    const iat = NOW / 1000;
    expect(await verifyJwt(token, key, at(NOW))).toEqual({ sub: 'user-1', teams: ['a'], iat, exp: iat + ACCESS_TOKEN_TTL_SECONDS });
    expect(expiresAt).toEqual(new Date(NOW + ACCESS_TOKEN_TTL_SECONDS * 1000));
  });

  it('writes a standard HS256 header and base64url parts without padding', async () => {
    const { token } = await signJwt({ sub: 'x' }, key, 60, NOW);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('matches an independently computed HMAC-SHA256 signature', async () => {
    const { token } = await signJwt({ sub: 'x' }, key, 60, NOW);
    const [header, payload, signature] = token.split('.');
    expect(signature).toBe(createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url'));
  });

  it('decides iat and exp itself, whatever the claims say', async () => {
    const { token } = await signJwt({ sub: 'x', exp: 9_999_999_999, iat: 0 }, key, 60, NOW);
    expect(await verifyJwt(token, key, at(NOW))).toMatchObject({ iat: NOW / 1000, exp: NOW / 1000 + 60 });
  });

  it('rounds a millisecond clock down to whole seconds', async () => {
    const { token } = await signJwt({}, key, 60, NOW + 999);
    expect(await verifyJwt(token, key, at(NOW))).toMatchObject({ iat: NOW / 1000 });
  });

  it('refuses keys shorter than 32 bytes and non-positive lifetimes', async () => {
    await expect(signJwt({}, randomBytes(16), 60, NOW)).rejects.toThrow(RangeError);
    await expect(signJwt({}, key, 0, NOW)).rejects.toThrow(RangeError);
    await expect(signJwt({}, key, 1.5, NOW)).rejects.toThrow(RangeError);
  });
});

describe(verifyJwt.name, () => {
  const payload = { sub: 'user-1', iat: NOW / 1000, exp: NOW / 1000 + 60 };

  it('accepts a token until the second it expires, then refuses it as expired', async () => {
    const { token } = await signJwt({ sub: 'x' }, key, 60, NOW);
    expect(await reasonOf(() => verifyJwt(token, key, at(NOW + 59_999)))).toBe('no error');
    expect(await reasonOf(() => verifyJwt(token, key, at(NOW + 60_000)))).toBe('expired');
  });

  it('accepts a token forged the same way (proves the forge helper below is faithful)', async () => {
    expect(await verifyJwt(forge({ alg: 'HS256', typ: 'JWT' }, payload), key, at(NOW))).toEqual(payload);
  });

  it.each([
    ['alg none without a signature', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`],
    ['alg none with a signature', forge({ alg: 'none' }, payload)],
    ['alg None', forge({ alg: 'None' }, payload)],
    ['alg hs256 in lower case', forge({ alg: 'hs256' }, payload)],
    ['alg HS384', forge({ alg: 'HS384' }, payload)],
    ['alg HS512', forge({ alg: 'HS512' }, payload)],
    ['alg RS256 (key confusion)', forge({ alg: 'RS256' }, payload)],
    ['no alg', forge({ typ: 'JWT' }, payload)],
    ['a crit extension', forge({ alg: 'HS256', crit: ['b64'], b64: false }, payload)],
  ])('refuses %s as unsupported_alg, even when signed with our key', async (_label, token) => {
    expect(await reasonOf(() => verifyJwt(token, key, at(NOW)))).toBe('unsupported_alg');
  });

  it('refuses a correctly signed token whose lifetime exceeds the cap, or that is older than it', async () => {
    const { token: long } = await signJwt({ sub: 'x' }, key, 3601, NOW);
    expect(await reasonOf(() => verifyJwt(long, key, at(NOW)))).toBe('too_long');
    const farExp = forge({ alg: 'HS256' }, { sub: 'x', iat: NOW / 1000 - 4000, exp: NOW / 1000 + 3_000_000 });
    expect(await reasonOf(() => verifyJwt(farExp, key, at(NOW)))).toBe('expired');
  });

  it('refuses a token issued in the future', async () => {
    const { token } = await signJwt({ sub: 'x' }, key, 60, NOW + 120_000);
    expect(await reasonOf(() => verifyJwt(token, key, at(NOW)))).toBe('malformed');
  });

  it('refuses a token signed with another key', async () => {
    expect(await reasonOf(() => verifyJwt(forge({ alg: 'HS256' }, payload, randomBytes(32)), key, at(NOW)))).toBe('bad_signature');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await signJwt({ sub: 'user-1', role: 'viewer' }, key, 60, NOW)).token.split('.');
    const raised = b64({ sub: 'user-1', role: 'owner', iat: NOW / 1000, exp: NOW / 1000 + 60 });
    expect(await reasonOf(() => verifyJwt(`${header}.${raised}.${signature}`, key, at(NOW)))).toBe('bad_signature');
  });

  it('refuses truncated, extended and non-canonical signatures', async () => {
    const { token } = await signJwt({ sub: 'x' }, key, 60, NOW);
    const [input, signature] = [token.slice(0, token.lastIndexOf('.')), token.split('.')[2]];
    // The last base64url character of 32 bytes carries 2 unused bits: 'A' + 1 decodes to the same bytes.
    const last = signature.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1];
    expect(Buffer.from(signature.slice(0, -1) + twin, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    for (const variant of [signature.slice(0, -2), `${signature}AA`, signature.slice(0, -1) + twin]) {
      expect(await reasonOf(() => verifyJwt(`${input}.${variant}`, key, at(NOW)))).toBe('bad_signature');
    }
  });

  it.each([
    ['an empty string', ''],
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['standard base64 characters', `${b64({ alg: 'HS256' })}.ab+/.c`],
    ['padding', `${b64({ alg: 'HS256' })}=.${b64(payload)}.c`],
    ['a header that is not JSON', `${b64('{alg:HS256')}.${b64(payload)}.c`],
    ['a header that is an array', `${b64(['HS256'])}.${b64(payload)}.c`],
    ['a header that is null', `${b64('null')}.${b64(payload)}.c`],
    ['an oversized token', `${b64({ alg: 'HS256' })}.${'a'.repeat(10_000)}.c`],
  ])('refuses %s as malformed', async (_label, token) => {
    expect(await reasonOf(() => verifyJwt(token, key, at(NOW)))).toBe('malformed');
  });

  it('refuses a non-string token as malformed', async () => {
    expect(await reasonOf(() => verifyJwt(undefined as unknown as string, key, at(NOW)))).toBe('malformed');
  });

  it.each([
    ['no exp', { sub: 'x', iat: NOW / 1000 }],
    ['a string exp', { sub: 'x', iat: NOW / 1000, exp: String(NOW / 1000 + 60) }],
    ['a null exp', { sub: 'x', iat: NOW / 1000, exp: null }],
    ['no iat', { sub: 'x', exp: NOW / 1000 + 60 }],
  ])('refuses a correctly signed token with %s as malformed', async (_label, claims) => {
    expect(await reasonOf(() => verifyJwt(forge({ alg: 'HS256' }, claims), key, at(NOW)))).toBe('malformed');
  });

  it('refuses correctly signed payloads that are not JSON objects as malformed', async () => {
    expect(await reasonOf(() => verifyJwt(forge({ alg: 'HS256' }, [1, 2]), key, at(NOW)))).toBe('malformed');
    expect(await reasonOf(() => verifyJwt(forge({ alg: 'HS256' }, 'not json'), key, at(NOW)))).toBe('malformed');
  });

  it('checks the signature before reading the payload', async () => {
    const garbage = `${b64({ alg: 'HS256' })}.${b64('not json')}.${'A'.repeat(43)}`;
    expect(await reasonOf(() => verifyJwt(garbage, key, at(NOW)))).toBe('bad_signature');
  });

  it('throws JwtError instances that carry the reason in the message', async () => {
    await expect(verifyJwt('a.b', key, at(NOW))).rejects.toThrow(new JwtError('malformed'));
    expect(new JwtError('expired').message).toBe('invalid token: expired');
  });
});

describe(deriveKey.name, () => {
  const secret = randomBytes(32);

  it('is HKDF-SHA256 with an empty salt and the purpose as info (RFC 5869)', async () => {
    // Empty salt means a salt of HashLen zero bytes; 32 bytes of output need one HMAC block.
    const prk = createHmac('sha256', Buffer.alloc(32)).update(secret).digest();
    const okm = createHmac('sha256', prk)
      .update(Buffer.concat([Buffer.from('zpanel:jwt:v1'), Buffer.from([1])]))
      .digest();
    expect(deriveKey(secret, 'zpanel:jwt:v1')).toEqual(okm);
  });

  it('gives 32 bytes that are stable for a purpose, differ between purposes and are not the key', async () => {
    const jwtKey = deriveKey(secret, 'zpanel:jwt:v1');
    expect(jwtKey).toHaveLength(32);
    expect(deriveKey(secret, 'zpanel:jwt:v1')).toEqual(jwtKey);
    expect(deriveKey(secret, 'zpanel:jwt:v2')).not.toEqual(jwtKey);
    expect(deriveKey(randomBytes(32), 'zpanel:jwt:v1')).not.toEqual(jwtKey);
    expect(jwtKey).not.toEqual(secret);
  });

  it('makes tokens of one purpose useless for another', async () => {
    const { token } = await signJwt({ sub: 'x' }, deriveKey(secret, 'zpanel:jwt:v1'), 60, NOW);
    expect(await reasonOf(() => verifyJwt(token, deriveKey(secret, 'zpanel:other:v1'), at(NOW)))).toBe('bad_signature');
  });

  it('refuses short secrets and an empty purpose', async () => {
    expect(() => deriveKey(randomBytes(16), 'zpanel:jwt:v1')).toThrow(RangeError);
    expect(() => deriveKey(secret, '')).toThrow(RangeError);
  });
});
