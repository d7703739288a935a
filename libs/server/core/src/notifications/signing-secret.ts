import { randomBytes } from 'node:crypto';

/** The prefix of a Standard Webhooks signing secret; the rest is the key, base64. */
export const SIGNING_SECRET_PREFIX = 'whsec_';

/**
 * A new signing secret for a generic webhook channel (docs/notifications.md, "Generic webhook"):
 * `whsec_` then 32 random bytes in base64, the form the Standard Webhooks libraries take as is.
 */
export function newSigningSecret(): string {
  return SIGNING_SECRET_PREFIX + randomBytes(32).toString('base64');
}

/**
 * The HMAC key of a signing secret: the bytes after `whsec_`, base64-decoded; null when the text is
 * not such a secret (no prefix, not base64, or fewer than 24 bytes of key).
 */
export function signingSecretKey(secret: string): Buffer | null {
  if (!secret.startsWith(SIGNING_SECRET_PREFIX)) return null;
  const encoded = secret.slice(SIGNING_SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return null;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= 24 && key.length <= 64 ? key : null;
}
