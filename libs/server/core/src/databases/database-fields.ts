import { randomBytes } from 'node:crypto';
import { DATABASE_IDENTIFIER_LIMITS, DATABASE_IDENTIFIER_PATTERN, DATABASE_RESERVED_NAMES, type SqlDatabaseEngine } from '@zpanel/contracts';
import type { FieldRule } from '../applications/application-fields';

/**
 * Allowlists for what goes inside a database engine (docs/databases.md). Like the application rules,
 * each returns null for an acceptable value or a message for a person; the API checks before saving
 * and every command builder checks again before use.
 */
function identifier(engine: SqlDatabaseEngine, kind: 'databaseName' | 'userName'): FieldRule {
  const max = DATABASE_IDENTIFIER_LIMITS[engine][kind];
  return (value) => {
    // Length first, so a 10 MB string is never matched against anything.
    if (typeof value !== 'string' || value.length === 0 || value.length > max || !DATABASE_IDENTIFIER_PATTERN.test(value)) {
      return `must be 1-${max} lower-case letters, digits and _, not starting with a digit`;
    }
    if (DATABASE_RESERVED_NAMES.includes(value)) return `must not be ${value}: the engine keeps that name for itself`;
    if (value.startsWith('pg_')) return 'must not start with pg_: PostgreSQL keeps those names for itself';
    return null;
  };
}

export const databaseName = (engine: SqlDatabaseEngine): FieldRule => identifier(engine, 'databaseName');
export const databaseUserName = (engine: SqlDatabaseEngine): FieldRule => identifier(engine, 'userName');

/**
 * Passwords are only ever generated (never typed), from letters and digits: the same text in a URL, an
 * SQL literal, a Redis argument (where a leading `--` would start a new option) and an environment
 * value, with nothing to escape in any of them.
 */
const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const DATABASE_PASSWORD_LENGTH = { min: 32, max: 128, generated: 40 } as const;
const PASSWORD = new RegExp(`^[A-Za-z0-9]{${DATABASE_PASSWORD_LENGTH.min},${DATABASE_PASSWORD_LENGTH.max}}$`);

export const databasePassword: FieldRule = (value) =>
  typeof value === 'string' && value.length <= DATABASE_PASSWORD_LENGTH.max && PASSWORD.test(value)
    ? null
    : `must be a generated password: ${DATABASE_PASSWORD_LENGTH.min}-${DATABASE_PASSWORD_LENGTH.max} letters and digits`;

/** A password of `length` characters, each uniform over the 62 letters and digits (about 5.95 bits each: 40 give 238 bits). */
export function generateDatabasePassword(length: number = DATABASE_PASSWORD_LENGTH.generated): string {
  if (!Number.isInteger(length) || length < DATABASE_PASSWORD_LENGTH.min || length > DATABASE_PASSWORD_LENGTH.max) {
    throw new Error(`a database password has ${DATABASE_PASSWORD_LENGTH.min}-${DATABASE_PASSWORD_LENGTH.max} characters`);
  }
  // Rejection sampling: 248 is the largest multiple of 62 below 256, so `byte % 62` has no bias.
  const limit = 256 - (256 % PASSWORD_ALPHABET.length);
  let password = '';
  while (password.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < limit && password.length < length) password += PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length];
    }
  }
  return password;
}
