import { createHmac, randomBytes } from 'node:crypto';
import { ACCESS_TOKEN_TTL_SECONDS } from '@zpanel/contracts';
import { JwtError, type JwtErrorReason, deriveKey, signJwt, verifyJwt } from './jwt';

const key = randomBytes(32);
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token signed with HMAC-SHA256 over whatever header and payload a forger chooses. */
function forge(header: unknown, payload: unknown, signingKey = key): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', signingKey).update(input).digest('base64url')}`;
}

function reasonOf(run: () => unknown): JwtErrorReason | 'no error' {
  try {
    run();
    return 'no error';
  } catch (error) {
    if (error instanceof JwtError) return error.reason;
    throw error;
  }
}

describe(signJwt.name, () => {
  it('issues a token that verifies, carrying the claims plus iat and exp in seconds', () => {
    const { token, expiresAt } = signJwt({ sub: 'user-1', teams: ['a'] }, key, ACCESS_TOKEN_TTL_SECONDS, NOW);
    const iat = NOW / 1000;
    expect(verifyJwt(token, key, NOW)).toEqual({ sub: 'user-1', teams: ['a'], iat, exp: iat + ACCESS_TOKEN_TTL_SECONDS });
    expect(expiresAt).toEqual(new Date(NOW + ACCESS_TOKEN_TTL_SECONDS * 1000));
  });

  it('writes a standard HS256 header and base64url parts without padding', () => {
    const { token } = signJwt({ sub: 'x' }, key, 60, NOW);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('matches an independently computed HMAC-SHA256 signature', () => {
    const { token } = signJwt({ sub: 'x' }, key, 60, NOW);
    const [header, payload, signature] = token.split('.');
    expect(signature).toBe(createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url'));
  });

  it('decides iat and exp itself, whatever the claims say', () => {
    const { token } = signJwt({ sub: 'x', exp: 9_999_999_999, iat: 0 }, key, 60, NOW);
    expect(verifyJwt(token, key, NOW)).toMatchObject({ iat: NOW / 1000, exp: NOW / 1000 + 60 });
  });

  it('rounds a millisecond clock down to whole seconds', () => {
    const { token } = signJwt({}, key, 60, NOW + 999);
    expect(verifyJwt(token, key, NOW)).toMatchObject({ iat: NOW / 1000 });
  });

  it('refuses keys shorter than 32 bytes and non-positive lifetimes', () => {
    expect(() => signJwt({}, randomBytes(16), 60, NOW)).toThrow(RangeError);
    expect(() => signJwt({}, key, 0, NOW)).toThrow(RangeError);
    expect(() => signJwt({}, key, 1.5, NOW)).toThrow(RangeError);
  });
});

describe(verifyJwt.name, () => {
  const payload = { sub: 'user-1', exp: NOW / 1000 + 60 };

  it('accepts a token until the second it expires, then refuses it as expired', () => {
    const { token } = signJwt({ sub: 'x' }, key, 60, NOW);
    expect(reasonOf(() => verifyJwt(token, key, NOW + 59_999))).toBe('no error');
    expect(reasonOf(() => verifyJwt(token, key, NOW + 60_000))).toBe('expired');
  });

  it('accepts a token forged the same way (proves the forge helper below is faithful)', () => {
    expect(verifyJwt(forge({ alg: 'HS256', typ: 'JWT' }, payload), key, NOW)).toEqual(payload);
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
  ])('refuses %s as unsupported_alg, even when signed with our key', (_label, token) => {
    expect(reasonOf(() => verifyJwt(token, key, NOW))).toBe('unsupported_alg');
  });

  it('refuses a token signed with another key', () => {
    expect(reasonOf(() => verifyJwt(forge({ alg: 'HS256' }, payload, randomBytes(32)), key, NOW))).toBe('bad_signature');
  });

  it('refuses a token whose payload was changed after signing', () => {
    const [header, , signature] = signJwt({ sub: 'user-1', role: 'viewer' }, key, 60, NOW).token.split('.');
    const raised = b64({ sub: 'user-1', role: 'owner', exp: NOW / 1000 + 60 });
    expect(reasonOf(() => verifyJwt(`${header}.${raised}.${signature}`, key, NOW))).toBe('bad_signature');
  });

  it('refuses truncated, extended and non-canonical signatures', () => {
    const { token } = signJwt({ sub: 'x' }, key, 60, NOW);
    const [input, signature] = [token.slice(0, token.lastIndexOf('.')), token.split('.')[2]];
    // The last base64url character of 32 bytes carries 2 unused bits: 'A' + 1 decodes to the same bytes.
    const last = signature.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1];
    expect(Buffer.from(signature.slice(0, -1) + twin, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    for (const variant of [signature.slice(0, -2), `${signature}AA`, signature.slice(0, -1) + twin]) {
      expect(reasonOf(() => verifyJwt(`${input}.${variant}`, key, NOW))).toBe('bad_signature');
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
  ])('refuses %s as malformed', (_label, token) => {
    expect(reasonOf(() => verifyJwt(token, key, NOW))).toBe('malformed');
  });

  it('refuses a non-string token as malformed', () => {
    expect(reasonOf(() => verifyJwt(undefined as unknown as string, key, NOW))).toBe('malformed');
  });

  it.each([
    ['no exp', { sub: 'x' }],
    ['a string exp', { sub: 'x', exp: String(NOW / 1000 + 60) }],
    ['a null exp', { sub: 'x', exp: null }],
  ])('refuses a correctly signed token with %s as malformed', (_label, claims) => {
    expect(reasonOf(() => verifyJwt(forge({ alg: 'HS256' }, claims), key, NOW))).toBe('malformed');
  });

  it('refuses correctly signed payloads that are not JSON objects as malformed', () => {
    expect(reasonOf(() => verifyJwt(forge({ alg: 'HS256' }, [1, 2]), key, NOW))).toBe('malformed');
    expect(reasonOf(() => verifyJwt(forge({ alg: 'HS256' }, 'not json'), key, NOW))).toBe('malformed');
  });

  it('checks the signature before reading the payload', () => {
    const garbage = `${b64({ alg: 'HS256' })}.${b64('not json')}.${'A'.repeat(43)}`;
    expect(reasonOf(() => verifyJwt(garbage, key, NOW))).toBe('bad_signature');
  });

  it('throws JwtError instances that carry the reason in the message', () => {
    expect(() => verifyJwt('a.b', key, NOW)).toThrow(new JwtError('malformed'));
    expect(new JwtError('expired').message).toBe('invalid token: expired');
  });
});

describe(deriveKey.name, () => {
  const secret = randomBytes(32);

  it('is HKDF-SHA256 with an empty salt and the purpose as info (RFC 5869)', () => {
    // Empty salt means a salt of HashLen zero bytes; 32 bytes of output need one HMAC block.
    const prk = createHmac('sha256', Buffer.alloc(32)).update(secret).digest();
    const okm = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('zpanel:jwt:v1'), Buffer.from([1])])).digest();
    expect(deriveKey(secret, 'zpanel:jwt:v1')).toEqual(okm);
  });

  it('gives 32 bytes that are stable for a purpose, differ between purposes and are not the key', () => {
    const jwtKey = deriveKey(secret, 'zpanel:jwt:v1');
    expect(jwtKey).toHaveLength(32);
    expect(deriveKey(secret, 'zpanel:jwt:v1')).toEqual(jwtKey);
    expect(deriveKey(secret, 'zpanel:jwt:v2')).not.toEqual(jwtKey);
    expect(deriveKey(randomBytes(32), 'zpanel:jwt:v1')).not.toEqual(jwtKey);
    expect(jwtKey).not.toEqual(secret);
  });

  it('makes tokens of one purpose useless for another', () => {
    const { token } = signJwt({ sub: 'x' }, deriveKey(secret, 'zpanel:jwt:v1'), 60, NOW);
    expect(reasonOf(() => verifyJwt(token, deriveKey(secret, 'zpanel:other:v1'), NOW))).toBe('bad_signature');
  });

  it('refuses short secrets and an empty purpose', () => {
    expect(() => deriveKey(randomBytes(16), 'zpanel:jwt:v1')).toThrow(RangeError);
    expect(() => deriveKey(secret, '')).toThrow(RangeError);
  });
});
