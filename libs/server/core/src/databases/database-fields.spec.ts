import { DATABASE_RESERVED_NAMES, type SqlDatabaseEngine } from '@zpanel/contracts';
import { DATABASE_PASSWORD_LENGTH, databaseName, databasePassword, databaseUserName, generateDatabasePassword } from './database-fields';
import { hostileDatabaseValues } from './hostile-values';

const SQL_ENGINES: SqlDatabaseEngine[] = ['postgresql', 'mysql', 'mariadb'];

describe('database and user names', () => {
  it.each(SQL_ENGINES)('accepts lower-case letters, digits and _ not starting with a digit (%s)', (engine) => {
    for (const value of ['app', 'main_db', '_x', 'a1', 'shop2024', 'x'.repeat(32)]) {
      expect(databaseName(engine)(value)).toBeNull();
      expect(databaseUserName(engine)(value)).toBeNull();
    }
  });

  it.each(SQL_ENGINES)('refuses anything else (%s)', (engine) => {
    for (const value of ['', '1app', 'App', 'main-db', 'main.db', 'a b', 'é', 'a;b', null, 7, undefined, ['app']]) {
      expect(databaseName(engine)(value)).toMatch(/^must be 1-\d+ lower-case letters/);
      expect(databaseUserName(engine)(value)).toMatch(/^must be 1-\d+ lower-case letters/);
    }
  });

  it.each([
    ['postgresql', 63, 63],
    ['mysql', 64, 32],
    ['mariadb', 64, 32],
  ] as const)('holds the engine limits (%s: database %d, user %d)', (engine, dbMax, userMax) => {
    expect(databaseName(engine)('d'.repeat(dbMax))).toBeNull();
    expect(databaseName(engine)('d'.repeat(dbMax + 1))).toBe(`must be 1-${dbMax} lower-case letters, digits and _, not starting with a digit`);
    expect(databaseUserName(engine)('u'.repeat(userMax))).toBeNull();
    expect(databaseUserName(engine)('u'.repeat(userMax + 1))).toBe(
      `must be 1-${userMax} lower-case letters, digits and _, not starting with a digit`,
    );
  });

  it.each(SQL_ENGINES)('refuses the names engines keep for themselves, in every engine (%s)', (engine) => {
    for (const name of ['postgres', 'mysql', 'information_schema', 'performance_schema', 'root', 'template1', 'sys', 'public']) {
      expect(DATABASE_RESERVED_NAMES).toContain(name);
      expect(databaseName(engine)(name)).toBe(`must not be ${name}: the engine keeps that name for itself`);
      expect(databaseUserName(engine)(name)).toBe(`must not be ${name}: the engine keeps that name for itself`);
    }
    expect(databaseUserName(engine)('pg_monitor')).toMatch(/must not start with pg_/);
    expect(databaseName(engine)('pg_x')).toMatch(/must not start with pg_/);
  });

  it.each(SQL_ENGINES)('refuses every hostile value, NUL, non-UTF-8 and 10 MB included (%s)', (engine) => {
    for (const value of hostileDatabaseValues('/tmp/pwned')) {
      expect(databaseName(engine)(value)).not.toBeNull();
      expect(databaseUserName(engine)(value)).not.toBeNull();
    }
  });
});

describe(databasePassword.name, () => {
  it('accepts what the generator makes, and letters and digits of 32-128 characters', () => {
    expect(databasePassword(generateDatabasePassword())).toBeNull();
    expect(databasePassword('a'.repeat(32))).toBeNull();
    expect(databasePassword('Z9'.repeat(64))).toBeNull();
  });

  it('refuses short, long, non-string and anything with other characters', () => {
    for (const value of ['a'.repeat(31), 'a'.repeat(129), `${'a'.repeat(40)}-`, `${'a'.repeat(40)}_`, `${'a'.repeat(40)}%`, null, 1, undefined]) {
      expect(databasePassword(value)).toBe('must be a generated password: 32-128 letters and digits');
    }
  });

  it('refuses every hostile value, also when padded to a valid length', () => {
    for (const value of hostileDatabaseValues('/tmp/pwned')) {
      expect(databasePassword(value)).not.toBeNull();
      expect(databasePassword(`${'a'.repeat(32)}${value}`)).not.toBeNull();
    }
  });
});

describe(generateDatabasePassword.name, () => {
  it('makes 40 letters and digits by default, and the length asked for within 32-128', () => {
    expect(generateDatabasePassword()).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(generateDatabasePassword(32)).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generateDatabasePassword(128)).toMatch(/^[A-Za-z0-9]{128}$/);
  });

  it('refuses a length outside 32-128', () => {
    for (const length of [0, 31, 129, 40.5, Number.NaN]) {
      expect(() => generateDatabasePassword(length)).toThrow(/32-128 characters/);
    }
    expect(DATABASE_PASSWORD_LENGTH.min).toBeGreaterThanOrEqual(32);
  });

  it('never repeats itself', () => {
    const passwords = new Set(Array.from({ length: 1000 }, () => generateDatabasePassword()));
    expect(passwords.size).toBe(1000);
  });

  it('uses all 62 characters evenly (a plain byte % 62 would give the first eight about 25% more)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i++) for (const c of generateDatabasePassword()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const mean = (5000 * 40) / 62;
    for (const count of counts.values()) expect(Math.abs(count - mean) / mean).toBeLessThan(0.12);
  });
});
