import { createHash, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** `zp_` API tokens, `zpr_` refresh tokens, `zpi_` invitations, `zpw_` webhook secrets, `zpp_` password reset links. Never reuse a prefix for another kind. */
export type OpaqueTokenPrefix = 'zp' | 'zpr' | 'zpi' | 'zpw' | 'zpp';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 30 × log2(62) ≈ 178 bits of entropy. */
const RANDOM_CHARS = 30;
/** 62^6 > 2^32, so any CRC32 fits. */
const CHECKSUM_CHARS = 6;
const BODY = new RegExp(`^[0-9A-Za-z]{${RANDOM_CHARS + CHECKSUM_CHARS}}$`);

function checksum(random: string): string {
  let value = crc32(random);
  let out = '';
  for (let i = 0; i < CHECKSUM_CHARS; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/**
 * A bearer token in GitHub's format, `<prefix>_<30 random base62><6 base62 CRC32 of those>`:
 * the prefix tells a secret scanner (and a person) what leaked, the checksum lets it confirm a
 * hit without calling us, and lets us refuse typos without a database lookup.
 */
export function generateOpaqueToken(prefix: OpaqueTokenPrefix): string {
  let random = '';
  for (let i = 0; i < RANDOM_CHARS; i++) random += BASE62[randomInt(62)]; // randomInt is unbiased
  return `${prefix}_${random}${checksum(random)}`;
}

/** Format and checksum of a token of the given kind, before any lookup. Bounded work for any input. */
export function isWellFormedToken(token: string, prefix: OpaqueTokenPrefix): boolean {
  if (typeof token !== 'string' || token.length !== prefix.length + 1 + RANDOM_CHARS + CHECKSUM_CHARS) return false;
  if (!token.startsWith(`${prefix}_`)) return false;
  const body = token.slice(prefix.length + 1);
  if (!BODY.test(body)) return false;
  return checksum(body.slice(0, RANDOM_CHARS)) === body.slice(RANDOM_CHARS);
}

/**
 * What the database stores and looks tokens up by. A fast hash is right here (unlike passwords):
 * nobody can guess 178 random bits, so slowing guesses buys nothing, and a deterministic hash
 * allows an indexed lookup.
 */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
