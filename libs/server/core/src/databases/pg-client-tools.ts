import { quotePgIdentifier } from './sql-quote';

/**
 * What the worker's host runs against Zpanel's own PostgreSQL (instance backups, docs/backups.md):
 * `pg_dump` and `pg_restore` as argv arrays, connected through libpq's environment variables so the
 * password is never in argv (visible in `ps`), and the few SQL statements around them.
 */

export class PgToolsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgToolsError';
  }
}

/** URL query parameters libpq understands, as their environment variables; the rest are node-postgres's own. */
const LIBPQ_QUERY_VARIABLES: Record<string, string> = {
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  connect_timeout: 'PGCONNECT_TIMEOUT',
};

/**
 * libpq's environment for a `postgres://` URL (DATABASE_URL), the database name replaced by
 * `database` when given. `?host=/run/postgresql` (a Unix socket) wins over the URL's host, as in libpq.
 */
export function libpqEnvironment(url: string, database?: string): Record<string, string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PgToolsError('the database URL is not a valid URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new PgToolsError('the database URL must be a postgres:// URL');
  const env: Record<string, string> = { PGCONNECT_TIMEOUT: '10' };
  const host = parsed.searchParams.get('host') ?? decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, '$1');
  if (host) env.PGHOST = host;
  env.PGPORT = parsed.port || '5432';
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  const name = database ?? decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (name) env.PGDATABASE = name;
  for (const [parameter, variable] of Object.entries(LIBPQ_QUERY_VARIABLES)) {
    const value = parsed.searchParams.get(parameter);
    if (value !== null) env[variable] = value;
  }
  // node-postgres's `?ssl=true` means TLS without a CA check: libpq's `require`.
  const ssl = parsed.searchParams.get('ssl');
  if (!env.PGSSLMODE && (ssl === 'true' || ssl === '1')) env.PGSSLMODE = 'require';
  return env;
}

/** One conninfo value (`dbname='…'`): libpq would read a bare name with `=` in it as a connection string. */
export function conninfoValue(value: string): string {
  if (value.includes('\0')) throw new PgToolsError('a connection value cannot hold a NUL byte');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** What `pg_export_snapshot()` returns (`00000003-0000001B-1`); anything else is refused before it reaches argv. */
const SNAPSHOT_PATTERN = /^[0-9A-F]+(?:-[0-9A-F]+){1,2}$/i;

/**
 * `pg_dump` of the database named by the environment (libpqEnvironment), in the custom format
 * `pg_restore` reads, from the snapshot a transaction exported: the dump holds exactly what that
 * transaction counted. `--no-password`: never wait for a prompt.
 */
export function pgDumpArgv(snapshot: string): string[] {
  if (!SNAPSHOT_PATTERN.test(snapshot)) throw new PgToolsError('not a snapshot id');
  return ['--format=custom', `--snapshot=${snapshot}`, '--no-password'];
}

/**
 * `pg_restore` of a custom-format dump read from stdin into `database`, in one transaction (a
 * failure leaves the database as it was) and stopping at the first error. Owners and grants are
 * left out: a fresh install's role may have another name.
 */
export function pgRestoreArgv(database: string): string[] {
  return ['--no-owner', '--no-acl', '--exit-on-error', '--single-transaction', '--no-password', `--dbname=dbname=${conninfoValue(database)}`];
}

/** The major version in `pg_dump --version`'s answer (`pg_dump (PostgreSQL) 15.4 (Debian 15.4-1)` gives 15), or null. */
export function pgToolMajor(versionOutput: string): number | null {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return null;
  const major = Number(match[1]);
  // Before 10 the major version was two numbers (9.6).
  return major < 10 && match[2] !== undefined ? major + Number(match[2]) / 10 : major;
}

/** The major version in `server_version_num` (150004 gives 15; 90624 gives 9.6). */
export function pgServerMajor(serverVersionNum: number): number {
  return serverVersionNum >= 100_000
    ? Math.floor(serverVersionNum / 10_000)
    : Math.floor(serverVersionNum / 10_000) + Math.floor((serverVersionNum % 10_000) / 100) / 10;
}

/**
 * The words when `pg_dump` is older than the server: it refuses to dump a newer server, and the
 * user should learn why before the first scheduled run fails at 3 a.m.
 */
export function pgDumpVersionProblem(toolMajor: number | null, serverMajor: number): string | null {
  if (toolMajor === null) return "pg_dump's version could not be read (is it PostgreSQL's pg_dump?)";
  if (toolMajor >= serverMajor) return null;
  return (
    `pg_dump ${toolMajor} on the worker's host is older than the PostgreSQL ${serverMajor} server holding Zpanel's database, ` +
    `and pg_dump cannot dump a newer server: install the PostgreSQL ${serverMajor} client tools on the worker's host ` +
    `(Debian, Ubuntu: apt install postgresql-client-${serverMajor}) and put them first in PATH`
  );
}

/**
 * Every table whose rows pg_dump writes: ordinary tables and partitions outside the system schemas,
 * not those an extension owns (their rows are the extension's). Partitioned parents hold no rows of
 * their own.
 */
export const INVENTORY_TABLES_SQL = `SELECT n.nspname AS schema, c.relname AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname`;

export function countRowsSql(schema: string, table: string): string {
  return `SELECT count(*)::text AS rows FROM ${quotePgIdentifier(schema)}.${quotePgIdentifier(table)}`;
}

/** template0: nothing someone added to template1 ends up in a throwaway database and its inventory. */
export function createDatabaseSql(name: string): string {
  return `CREATE DATABASE ${quotePgIdentifier(name)} TEMPLATE template0`;
}

/** `WITH (FORCE)` (PostgreSQL 13+) ends sessions a failed restore left behind. */
export function dropDatabaseSql(name: string, serverMajor: number): string {
  return `DROP DATABASE IF EXISTS ${quotePgIdentifier(name)}${serverMajor >= 13 ? ' WITH (FORCE)' : ''}`;
}

/** The schemas a `--force` restore empties: all but the system ones. */
export const USER_SCHEMAS_SQL =
  "SELECT nspname AS schema FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%' ORDER BY nspname";

export function dropSchemaSql(name: string): string {
  return `DROP SCHEMA ${quotePgIdentifier(name)} CASCADE`;
}
