import { hostileDatabaseValues } from './hostile-values';
import { quoteMysqlLiteral, quotePgIdentifier, quotePgLiteral } from './sql-quote';

/**
 * Reads one quoted token the way the SQL lexer does and insists it spans the whole text: anything left
 * after the closing quote would be SQL of its own. Returns the value the engine would see.
 */
function readQuoted(sql: string, quote: string, backslashEscapes: boolean): string {
  let i = 0;
  if (backslashEscapes && sql.startsWith('E')) i = 1;
  const escapes = backslashEscapes && i === 1;
  expect(sql[i]).toBe(quote);
  let value = '';
  for (i += 1; i < sql.length; i++) {
    const c = sql[i];
    if (escapes && c === '\\') {
      value += sql[++i];
    } else if (c === quote) {
      if (sql[i + 1] === quote) {
        value += quote;
        i++;
      } else {
        expect(i).toBe(sql.length - 1);
        return value;
      }
    } else {
      value += c;
    }
  }
  throw new Error(`unterminated: ${sql.slice(0, 80)}`);
}

const canary = '/tmp/pwned';
// The 10 MB string is left to the validators (it never reaches quoting); the 100,000-character one stays.
const quotable = hostileDatabaseValues(canary).filter((v) => !v.includes('\0') && v.length <= 100_000);

describe('SQL quoting', () => {
  it('PostgreSQL identifiers carry every hostile value as one identifier', () => {
    for (const value of quotable) expect(readQuoted(quotePgIdentifier(value), '"', false)).toBe(value);
    expect(quotePgIdentifier('a"b')).toBe('"a""b"');
  });

  it('PostgreSQL literals carry every hostile value as one string, backslashes with E', () => {
    for (const value of quotable) expect(readQuoted(quotePgLiteral(value), "'", true)).toBe(value);
    expect(quotePgLiteral("it's")).toBe("'it''s'");
    expect(quotePgLiteral("a\\'b")).toBe("E'a\\\\''b'");
  });

  it('MySQL literals carry every hostile value without a backslash or carriage return as one string, and refuse those', () => {
    for (const value of quotable) {
      if (value.includes('\\')) expect(() => quoteMysqlLiteral(value)).toThrow(/backslash/);
      else if (value.includes('\r')) expect(() => quoteMysqlLiteral(value)).toThrow(/carriage return/);
      else expect(readQuoted(quoteMysqlLiteral(value), "'", false)).toBe(value);
    }
    expect(quoteMysqlLiteral("it's")).toBe("'it''s'");
  });

  it('refuses NUL bytes instead of cutting the statement short', () => {
    for (const quote of [quotePgIdentifier, quotePgLiteral, quoteMysqlLiteral]) {
      expect(() => quote('a\0b')).toThrow(/NUL byte/);
    }
  });
});
