import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export type JwtErrorReason = 'malformed' | 'bad_signature' | 'expired' | 'unsupported_alg';

export class JwtError extends Error {
  constructor(readonly reason: JwtErrorReason) {
    super(`invalid token: ${reason}`);
    this.name = 'JwtError';
  }
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const SIGNATURE_BYTES = 32;
const MIN_KEY_BYTES = 32;
/** Far above any token we issue; refuses oversized input before decoding it. */
const MAX_TOKEN_LENGTH = 8192;
/** Empty parts pass here and fail later with a precise reason (an `alg: none` token has no signature). */
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * A 32-byte key for one purpose (e.g. `zpanel:jwt:v1`), derived from the instance key with
 * HKDF-SHA256, so the instance key itself never signs anything and one purpose's key cannot
 * be replayed for another. Bump the version in the purpose to rotate every derived token.
 */
export function deriveKey(secretKey: Buffer, purpose: string): Buffer {
  if (secretKey.length < MIN_KEY_BYTES) throw new RangeError(`the secret key must have at least ${MIN_KEY_BYTES} bytes`);
  if (purpose.length === 0) throw new RangeError('a key purpose is required');
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), purpose, 32));
}

function assertKey(key: Buffer): void {
  if (key.length < MIN_KEY_BYTES) throw new RangeError(`JWT keys must have at least ${MIN_KEY_BYTES} bytes`);
}

function sign(signingInput: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(signingInput).digest();
}

function decodeJsonObject(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('malformed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwtError('malformed');
  return value as Record<string, unknown>;
}

/**
 * A compact HS256 JWT carrying `claims` plus `iat` and `exp` (seconds). `iat`/`exp` in `claims`
 * are overwritten: lifetime is the signer's decision.
 */
export function signJwt(
  claims: Record<string, unknown>,
  key: Buffer,
  ttlSeconds: number,
  now = Date.now(),
): { token: string; expiresAt: Date } {
  assertKey(key);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive integer');
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const payload = Buffer.from(JSON.stringify({ ...claims, iat, exp })).toString('base64url');
  const signingInput = `${HEADER}.${payload}`;
  return { token: `${signingInput}.${sign(signingInput, key).toString('base64url')}`, expiresAt: new Date(exp * 1000) };
}

/**
 * The claims of a token this instance signed, or a `JwtError`. Only HS256 is accepted, whatever
 * the header asks for (`none`, RS256 with our key as a "public key", ...); the signature is
 * checked before the payload is read; a token without a numeric `exp` is refused.
 */
export function verifyJwt(token: string, key: Buffer, now = Date.now()): Record<string, unknown> {
  assertKey(key);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new JwtError('malformed');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new JwtError('malformed');
  const [headerPart, payloadPart, signaturePart] = parts;

  const header = decodeJsonObject(headerPart);
  if (header.alg !== 'HS256') throw new JwtError('unsupported_alg');
  // Extensions we do not understand must not be ignored (RFC 7515 §4.1.11).
  if ('crit' in header) throw new JwtError('unsupported_alg');

  const expected = sign(`${headerPart}.${payloadPart}`, key);
  const actual = Buffer.from(signaturePart, 'base64url');
  // Re-encoding refuses non-canonical spellings of the same bytes, so one token has one string.
  const canonical = actual.length === SIGNATURE_BYTES && actual.toString('base64url') === signaturePart;
  if (!canonical || !timingSafeEqual(actual, expected)) throw new JwtError('bad_signature');

  const claims = decodeJsonObject(payloadPart);
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) throw new JwtError('malformed');
  if (now >= claims.exp * 1000) throw new JwtError('expired');
  return claims;
}
