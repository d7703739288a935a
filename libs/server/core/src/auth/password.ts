import * as argon2 from 'argon2';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@zpanel/contracts';

/**
 * OWASP's recommended argon2id parameters (19 MiB, 2 passes, 1 lane): ~30-50 ms per hash,
 * affordable per login, expensive per guess. Changing them makes `needsRehash` true for
 * existing hashes, so login can upgrade them after a successful verify.
 */
export const PASSWORD_HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  version: 0x13,
} as const;

/**
 * An argon2id hash (current parameters) of 32 random bytes nobody kept: nothing verifies against
 * it. Login verifies against it when the email is unknown, so both paths spend one argon2 run
 * and the response time does not reveal which emails have accounts. Regenerate when
 * `PASSWORD_HASH_OPTIONS` change (a spec fails until then).
 */
export const DUMMY_PASSWORD_HASH = '$argon2id$v=19$m=19456,p=1,t=2$Qsae5yXBt/CPoS/4s/mqNQ$ltz0LwQwlIxIr78Fk+wBNDG/0wsfP0N5pQDTMOjFAT4';

export async function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, PASSWORD_HASH_OPTIONS);
}

/**
 * Whether `plain` matches `hash`. False, never an exception, for a malformed or non-argon2 hash,
 * and for input longer than any accepted password could be (no argon2 work on a 10 MB body).
 */
export async function verifyPassword(hash: string, plain: string): Promise<boolean> {
  if (typeof hash !== 'string' || typeof plain !== 'string') return false;
  if (plain.length > PASSWORD_MAX_LENGTH * 2) return false; // UTF-16 units; a code point needs at most 2
  try {
    return await argon2.verify(hash, plain);
  } catch {
    return false;
  }
}

/** Spends the time of a real verify, then answers false: for logins with an unknown email. */
export async function verifyAgainstDummy(plain: string): Promise<false> {
  await verifyPassword(DUMMY_PASSWORD_HASH, plain);
  return false;
}

/**
 * Whether a stored hash was made with other parameters (or another variant, or is unreadable)
 * and should be replaced after the next successful login.
 */
export function needsRehash(hash: string): boolean {
  if (typeof hash !== 'string' || !hash.startsWith('$argon2id$')) return true;
  try {
    return argon2.needsRehash(hash, PASSWORD_HASH_OPTIONS);
  } catch {
    return true;
  }
}

/**
 * The passwords attackers try first (ignoring the ones the length rule already refuses).
 * Deliberately short: a breach-corpus check belongs elsewhere; this stops the obvious ones.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  'password1234',
  'password12345',
  'password123456',
  'password123!',
  'passw0rd1234',
  'p@ssw0rd1234',
  'passwordpassword',
  'mypassword123',
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456123456',
  '123123123123',
  '098765432112',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwerty123456',
  'qwerty1234567',
  'qwertyqwerty',
  'qwertyuiopasdf',
  'asdfghjkl123',
  'asdfasdfasdf',
  'zxcvbnm12345',
  '1q2w3e4r5t6y',
  'q1w2e3r4t5y6',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  'abcdefghijkl',
  'abc123abc123',
  'iloveyou1234',
  'administrator',
  'administrator1',
  'adminadmin123',
  'changeme1234',
  'welcome12345',
  'letmein12345',
  'trustno1trustno1',
  'football1234',
  'baseball1234',
  'monkey123456',
  'superman1234',
  'zpanel123456',
  'zpaneladmin123',
]);

const MIN_PERSONAL_PART = 4;

/** Lowercased pieces of a name or email local part long enough to matter (short ones match too much). */
function personalParts(value: string): string[] {
  const whole = value.trim().toLowerCase();
  const words = whole.split(/[^\p{L}\p{N}]+/u);
  return [...new Set([whole, ...words])].filter((part) => [...part].length >= MIN_PERSONAL_PART);
}

/**
 * Why `plain` is not acceptable as a new password, as messages for the person choosing it; empty
 * when it is fine. Lengths count code points, as a person counts characters.
 */
export function passwordProblems(plain: string, context: { email: string; name: string }): string[] {
  const tooLong = `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  // No code-point array or substring search over a multi-megabyte body.
  if (plain.length > PASSWORD_MAX_LENGTH * 2) return [tooLong];
  const problems: string[] = [];
  const length = [...plain].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(tooLong);

  const lower = plain.toLowerCase();
  const at = context.email.lastIndexOf('@');
  const localPart = at === -1 ? context.email : context.email.slice(0, at);
  if (personalParts(localPart).some((part) => lower.includes(part))) {
    problems.push('Do not use your email address in the password.');
  }
  if (personalParts(context.name).some((part) => lower.includes(part))) {
    problems.push('Do not use your name in the password.');
  }

  if (length > 0 && /^(.)\1*$/su.test(plain)) problems.push('Do not repeat a single character.');
  if (COMMON_PASSWORDS.has(lower)) problems.push('This password is too common; choose another.');
  return problems;
}
