/**
 * Quoting for the few SQL statements Zpanel sends to an engine (password rotation). Names and
 * passwords are allowlisted before they get here (database-fields.ts), so quoting is the second
 * line, not the only one: it must still be correct for any text it accepts, and refuses what one
 * spelling cannot carry in every server setting.
 */
export class SqlQuoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlQuoteError';
  }
}

function text(value: string, what: string): string {
  if (typeof value !== 'string') throw new SqlQuoteError(`${what} must be a string`);
  // No engine stores a NUL in a name or a literal; a client would cut the statement short at it.
  if (value.includes('\0')) throw new SqlQuoteError(`${what} contains a NUL byte`);
  return value;
}

/** A PostgreSQL identifier: `"` doubled inside double quotes (quote_ident). */
export function quotePgIdentifier(value: string): string {
  return `"${text(value, 'identifier').replace(/"/g, '""')}"`;
}

/**
 * A PostgreSQL string literal (quote_literal): `'` doubled; with a backslash, the `E'…'` form with
 * backslashes doubled, which means the same whatever `standard_conforming_strings` says.
 */
export function quotePgLiteral(value: string): string {
  const doubled = text(value, 'literal').replace(/'/g, "''");
  return value.includes('\\') ? `E'${doubled.replace(/\\/g, '\\\\')}'` : `'${doubled}'`;
}

/**
 * A MySQL / MariaDB string literal: `'` doubled. A backslash is refused: it is an escape character
 * unless the server runs with NO_BACKSLASH_ESCAPES, so no single spelling means the same in both modes.
 * A carriage return is refused too: the mysql and mariadb clients drop it from the statements they read.
 */
export function quoteMysqlLiteral(value: string): string {
  if (text(value, 'literal').includes('\\')) throw new SqlQuoteError('a MySQL literal cannot carry a backslash the same way in every SQL mode');
  if (value.includes('\r')) throw new SqlQuoteError('a MySQL literal cannot carry a carriage return through the client');
  return `'${value.replace(/'/g, "''")}'`;
}
