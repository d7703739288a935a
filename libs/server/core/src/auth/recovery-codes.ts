import { createHmac, randomInt } from 'node:crypto';

/**
 * Crockford's base32 alphabet, lower case: no i, l, o or u, so 0 and 1 cannot be misread and a
 * code read aloud or copied from paper survives. 32 symbols: 5 bits a character.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUP = 5;
/** 10 characters × 5 bits = 50 bits: too many to guess through a rate-limited login. */
const CODE_CHARS = GROUP * 2;
const MAX_COUNT = 100;

function randomCode(): string {
  let code = '';
  for (let i = 0; i < CODE_CHARS; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, GROUP)}-${code.slice(GROUP)}`;
}

/** Single-use 2FA recovery codes, `xxxxx-xxxxx`, all different. Show them once, store only their hashes. */
export function generateRecoveryCodes(count = 10): string[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new RangeError(`count must be an integer from 1 to ${MAX_COUNT}`);
  }
  const codes = new Set<string>();
  while (codes.size < count) codes.add(randomCode());
  return [...codes];
}

/**
 * The form a code is hashed in: trimmed, lower case, without spaces or dashes. Letters the
 * alphabet leaves out are read as the digits they resemble (o → 0, i and l → 1), as Crockford
 * decoding does, so a code typed from paper still matches.
 */
export function normalizeRecoveryCode(input: string): string {
  return input.trim().toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
}

/**
 * Keyed hash of a recovery code (HMAC-SHA256 with a key derived from the instance key): a code has
 * about 50 bits, which a plain hash would let anyone holding a database dump brute-force offline.
 */
export function hashRecoveryCode(code: string, key: Buffer): string {
  return createHmac('sha256', key).update(normalizeRecoveryCode(code), 'utf8').digest('hex');
}
