import { timingSafeEqual } from 'node:crypto';
import { HOTP, Secret } from 'otpauth';

/** 160 bits, as RFC 4226 recommends; authenticator apps expect this size for SHA-1. */
const SECRET_BYTES = 20;
/** RFC 4226's minimum shared-secret length (128 bits). */
const MIN_SECRET_BYTES = 16;
const DIGITS = 6;
const PERIOD_SECONDS = 30;
/** Longest code input worth stripping spaces from; anything longer cannot be six digits and a few spaces. */
const MAX_CODE_INPUT = 32;
const MAX_WINDOW = 10;

export class Base32Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Base32Error';
  }
}

/** RFC 4648 base32, upper case, without padding (what authenticator apps expect in a secret). */
export function base32Encode(bytes: Buffer): string {
  return new Secret({ buffer: new Uint8Array(bytes).buffer }).base32;
}

/**
 * Decodes unpadded RFC 4648 base32, any case. otpauth's decoder is lenient (padding, stray
 * characters), so the spelling is checked first and re-encoded after: characters outside the
 * alphabet, lengths no encoding produces and non-zero trailing bits throw, so one secret has one
 * spelling.
 */
export function base32Decode(text: string): Buffer {
  // Checked before upper-casing: 'ß'.toUpperCase() is 'SS' and 'ı' becomes 'I'.
  if (!/^[A-Za-z2-7]*$/.test(text)) throw new Base32Error('invalid base32 character');
  if ([1, 3, 6].includes(text.length % 8)) throw new Base32Error('invalid base32 length');
  const bytes = Buffer.from(Secret.fromBase32(text.toUpperCase()).bytes);
  if (base32Encode(bytes) !== text.toUpperCase()) throw new Base32Error('non-zero trailing bits in base32');
  return bytes;
}

/** A new TOTP secret: 20 random bytes, base32 (32 characters). */
export function generateTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

/** The time step (RFC 6238 `T`) that `now` (ms since the epoch) falls in. */
export function totpTimeStep(now = Date.now()): number {
  return Math.floor(now / 1000 / PERIOD_SECONDS);
}

/** The 6-digit code for one time step (RFC 6238 with SHA-1, i.e. RFC 4226 HOTP with counter = step). */
export function totpAt(secretBase32: string, timeStep: number): string {
  if (!Number.isSafeInteger(timeStep) || timeStep < 0) throw new RangeError('timeStep must be a non-negative integer');
  const secret = base32Decode(secretBase32);
  if (secret.length < MIN_SECRET_BYTES) throw new RangeError(`TOTP secrets must have at least ${MIN_SECRET_BYTES} bytes`);
  return HOTP.generate({ secret: new Secret({ buffer: new Uint8Array(secret).buffer }), counter: timeStep, algorithm: 'SHA1', digits: DIGITS });
}

export interface VerifyTotpOptions {
  /** Milliseconds since the epoch; defaults to the clock. */
  now?: number;
  /** Steps accepted either side of the current one, for clock drift and typing time. */
  window?: number;
  /** The last step accepted for this user: it and every earlier step are refused (no replay). */
  notAfterStep?: number;
}

/**
 * The time step `code` is valid for, or null. The caller stores the step and passes it back as
 * `notAfterStep`, so a code (or an older one) cannot be used twice. Spaces in `code` are ignored;
 * anything but six digits is refused before any HMAC work. Every step in the window is computed
 * and compared in constant time, so timing does not tell which step matched. Throws only on
 * server-side faults: a stored secret that is not base32 or too short, an out-of-range window.
 */
export function verifyTotp(secretBase32: string, code: string, options: VerifyTotpOptions = {}): number | null {
  const { now = Date.now(), window = 1, notAfterStep } = options;
  if (!Number.isInteger(window) || window < 0 || window > MAX_WINDOW) {
    throw new RangeError(`window must be an integer from 0 to ${MAX_WINDOW}`);
  }
  if (typeof code !== 'string' || code.length > MAX_CODE_INPUT) return null;
  const digits = code.replace(/\s/g, '');
  if (!/^[0-9]{6}$/.test(digits)) return null;

  const given = Buffer.from(digits);
  const current = totpTimeStep(now);
  let matched: number | null = null;
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0) continue;
    const equal = timingSafeEqual(Buffer.from(totpAt(secretBase32, step)), given);
    const fresh = notAfterStep === undefined || step > notAfterStep;
    if (equal && fresh) matched = step; // keep the latest: the stored step then also burns earlier ones
  }
  return matched;
}

/**
 * The `otpauth://` URI authenticator apps read from the enrolment QR code (Google's Key URI
 * format). Issuer and account are percent-encoded, so an `@` or `:` cannot break the label.
 */
export function otpauthUri(options: { issuer: string; account: string; secret: string }): string {
  const secret = base32Encode(base32Decode(options.secret)); // validates and canonicalises the case
  const issuer = encodeURIComponent(options.issuer);
  const label = `${issuer}:${encodeURIComponent(options.account)}`;
  return `otpauth://totp/${label}?secret=${secret}&issuer=${issuer}&algorithm=SHA1&digits=${DIGITS}&period=${PERIOD_SECONDS}`;
}
