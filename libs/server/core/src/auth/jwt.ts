import { hkdfSync } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';

/** `too_long`: a lifetime (`exp - iat`) above what the verifier allows. */
export type JwtErrorReason = 'malformed' | 'bad_signature' | 'expired' | 'unsupported_alg' | 'too_long';

export class JwtError extends Error {
  constructor(readonly reason: JwtErrorReason) {
    super(`invalid token: ${reason}`);
    this.name = 'JwtError';
  }
}

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

export interface VerifyJwtOptions {
  /** Milliseconds since the epoch; defaults to the clock. */
  now?: number;
  /**
   * The longest lifetime this kind of token may have: `exp - iat` above it, or an `iat` older than
   * it, is refused, so even a token signed with a far `exp` dies on time.
   */
  maxLifetimeSeconds: number;
}

/**
 * A compact HS256 JWT (jose) carrying `claims` plus `iat` and `exp` (seconds). `iat`/`exp` in
 * `claims` are overwritten: lifetime is the signer's decision.
 */
export async function signJwt(
  claims: Record<string, unknown>,
  key: Buffer,
  ttlSeconds: number,
  now = Date.now(),
): Promise<{ token: string; expiresAt: Date }> {
  assertKey(key);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive integer');
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(iat).setExpirationTime(exp).sign(key);
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * Shape checks jose does not make: a bounded size, and one spelling per signature (base64url
 * decoding ignores the unused low bits of the last character, so 'A' and 'B' there would both pass).
 */
function assertCanonical(token: string): void {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new JwtError('malformed');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new JwtError('malformed');
  let header: unknown;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new JwtError('malformed');
  }
  // jose understands the `b64` extension; tokens we sign never use `crit`, so none is accepted.
  if (typeof header !== 'object' || header === null || 'crit' in header) throw new JwtError('unsupported_alg');
  if ((header as { alg?: unknown }).alg !== 'HS256') throw new JwtError('unsupported_alg');
  const signature = Buffer.from(parts[2], 'base64url');
  if (signature.length !== SIGNATURE_BYTES || signature.toString('base64url') !== parts[2]) throw new JwtError('bad_signature');
}

function reasonOf(error: unknown): JwtErrorReason {
  if (error instanceof JwtError) return error.reason;
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) return 'unsupported_alg';
  return 'malformed';
}

/**
 * The claims of a token this instance signed, or a `JwtError`. jose verifies it with the algorithm
 * pinned to HS256 whatever the header asks for (`none`, RS256 with our key as a "public key", ...),
 * the signature checked before the payload is read; `exp` and `iat` are required, and a lifetime
 * above `maxLifetimeSeconds` is refused.
 */
export async function verifyJwt(token: string, key: Buffer, options: VerifyJwtOptions): Promise<Record<string, unknown>> {
  assertKey(key);
  const { now = Date.now(), maxLifetimeSeconds } = options;
  assertCanonical(token);
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat'],
      maxTokenAge: maxLifetimeSeconds,
      currentDate: new Date(now),
      clockTolerance: 0,
    }));
  } catch (error) {
    throw new JwtError(reasonOf(error));
  }
  if ((claims.exp as number) - (claims.iat as number) > maxLifetimeSeconds) throw new JwtError('too_long');
  return claims;
}
