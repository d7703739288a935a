import { DATABASE_INTERNAL_PORTS, type DatabaseEngine, REDIS_DATABASE_NAME, REDIS_USER_NAME, isDatabaseEngine } from '@zpanel/contracts';
import { databaseName, databasePassword, databaseUserName, generateDatabasePassword } from './database-fields';
import { parseEngineTag } from './engine-tags';
import { quoteMysqlLiteral, quotePgIdentifier, quotePgLiteral } from './sql-quote';

/**
 * What Zpanel runs for a database engine (docs/databases.md): argv arrays, never shell text, with
 * secrets in the environment or on stdin so that they never show in `ps` on the server. Every builder
 * checks its inputs against the allowlists again, whatever the caller already checked.
 */

/** A command run inside the database's container (`docker exec -i`, with `env` passed as `--env NAME`). */
export interface EngineCommand {
  argv: string[];
  env: Record<string, string>;
  /** Written to the command's stdin, then closed; absent when the command reads nothing. */
  stdin?: string;
  /** When set, the command succeeded only if its trimmed stdout is exactly this (redis-cli exits 0 on an error reply). */
  expectStdout?: string;
}

/** Everything an engine needs to know about its credentials. For Redis, the names are fixed (`default`, `0`). */
export interface DatabaseCredentials {
  databaseName: string;
  userName: string;
  password: string;
  /** The MySQL / MariaDB root password (root never leaves the container); null for PostgreSQL (the user owns the cluster) and Redis. */
  rootPassword: string | null;
}

/** A builder's input that fails its allowlist; `field` names it for a 400 or a job's log. */
export class DatabaseCommandError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'DatabaseCommandError';
  }
}

function check(field: string, problem: string | null): void {
  if (problem !== null) throw new DatabaseCommandError(field, problem);
}

function checkEngine(engine: unknown): asserts engine is DatabaseEngine {
  if (!isDatabaseEngine(engine)) throw new DatabaseCommandError('engine', 'must be one of postgresql, mysql, mariadb, redis');
}

const usesRoot = (engine: DatabaseEngine): boolean => engine === 'mysql' || engine === 'mariadb';

/** What an application connects with: the credentials without the root password, which never leaves the container. */
export type ConnectionCredentials = Pick<DatabaseCredentials, 'databaseName' | 'userName' | 'password'>;

/** Throws a DatabaseCommandError naming the first field of the connection credentials that fails its allowlist. */
export function checkConnectionCredentials(engine: DatabaseEngine, credentials: ConnectionCredentials): void {
  checkEngine(engine);
  if (engine === 'redis') {
    check('databaseName', credentials.databaseName === REDIS_DATABASE_NAME ? null : `must be ${REDIS_DATABASE_NAME} for Redis`);
    check('userName', credentials.userName === REDIS_USER_NAME ? null : `must be ${REDIS_USER_NAME} for Redis`);
  } else {
    check('databaseName', databaseName(engine)(credentials.databaseName));
    check('userName', databaseUserName(engine)(credentials.userName));
  }
  check('password', databasePassword(credentials.password));
}

/** Throws a DatabaseCommandError naming the first field that fails its allowlist. */
export function checkDatabaseCredentials(engine: DatabaseEngine, credentials: DatabaseCredentials): void {
  checkConnectionCredentials(engine, credentials);
  if (usesRoot(engine)) check('rootPassword', databasePassword(credentials.rootPassword));
  else check('rootPassword', credentials.rootPassword === null ? null : `must be null for ${engine}`);
}

/** New credentials for a database: the names given (checked), fresh passwords. */
export function newDatabaseCredentials(engine: DatabaseEngine, names: { databaseName: string; userName: string }): DatabaseCredentials {
  checkEngine(engine);
  const credentials: DatabaseCredentials =
    engine === 'redis'
      ? { databaseName: REDIS_DATABASE_NAME, userName: REDIS_USER_NAME, password: generateDatabasePassword(), rootPassword: null }
      : { ...names, password: generateDatabasePassword(), rootPassword: usesRoot(engine) ? generateDatabasePassword() : null };
  checkDatabaseCredentials(engine, credentials);
  return credentials;
}

/** How the database's container is created: its environment, its command (empty: the image's own) and where the data volume goes. */
export interface DatabaseContainerSpec {
  env: Record<string, string>;
  command: string[];
  dataDirectory: string;
  internalPort: number;
}

/**
 * The container for the official images' first start (their entrypoints create the database, the user
 * and its password from these variables when the data directory is empty, and ignore them afterwards).
 */
export function databaseContainer(engine: DatabaseEngine, tag: string, credentials: DatabaseCredentials): DatabaseContainerSpec {
  checkDatabaseCredentials(engine, credentials);
  const internalPort = DATABASE_INTERNAL_PORTS[engine];
  const { databaseName: db, userName: user, password } = credentials;
  switch (engine) {
    case 'postgresql': {
      // The postgres image from 18 on keeps PGDATA in a versioned directory below /var/lib/postgresql and
      // declares that as its volume; before 18, the volume is /var/lib/postgresql/data.
      const major = parseEngineTag(tag)?.version[0];
      const dataDirectory = major !== undefined && major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data';
      return { env: { POSTGRES_USER: user, POSTGRES_PASSWORD: password, POSTGRES_DB: db }, command: [], dataDirectory, internalPort };
    }
    case 'mysql':
    case 'mariadb': {
      const prefix = engine === 'mysql' ? 'MYSQL' : 'MARIADB';
      const env = {
        [`${prefix}_ROOT_PASSWORD`]: credentials.rootPassword as string,
        [`${prefix}_DATABASE`]: db,
        [`${prefix}_USER`]: user,
        [`${prefix}_PASSWORD`]: password,
      };
      return { env, command: [], dataDirectory: '/var/lib/mysql', internalPort };
    }
    case 'redis':
      // The official image has no password variable, so the password is an argument of redis-server. It is
      // generated letters and digits only (never an option), and Redis rewrites its process title, so
      // it shows in the container's configuration (like the other engines' environment) but not in `ps`.
      return { env: {}, command: ['redis-server', '--requirepass', password, '--appendonly', 'yes'], dataDirectory: '/data', internalPort };
  }
}

/**
 * The engine-native readiness probe, over TCP on 127.0.0.1: while the official images initialise, they
 * run a temporary server on the Unix socket only, which must not count as ready.
 */
export function readinessProbe(engine: DatabaseEngine, credentials: DatabaseCredentials): EngineCommand {
  checkDatabaseCredentials(engine, credentials);
  const port = String(DATABASE_INTERNAL_PORTS[engine]);
  switch (engine) {
    case 'postgresql':
      return { argv: ['pg_isready', '-h', '127.0.0.1', '-p', port, '-U', credentials.userName, '-d', credentials.databaseName], env: {} };
    case 'mysql':
    case 'mariadb':
      // `ping` needs no password: the server answering at all (even "access denied") is what is asked.
      return { argv: [engine === 'mysql' ? 'mysqladmin' : 'mariadb-admin', '--protocol=tcp', '-h', '127.0.0.1', '-P', port, 'ping'], env: {} };
    case 'redis':
      return { argv: ['redis-cli', '-h', '127.0.0.1', '-p', port, 'ping'], env: { REDISCLI_AUTH: credentials.password }, expectStdout: 'PONG' };
  }
}

/**
 * Sets the user's password to `newPassword` inside the running engine, authenticated with the current
 * credentials. The new password travels on stdin (in a quoted literal), the current one in the
 * environment, so neither is in an argv. For Redis the change lasts until the container is recreated
 * with the new `--requirepass` (databaseContainer), which the caller does next; the SQL engines store it.
 */
export function passwordRotation(engine: DatabaseEngine, credentials: DatabaseCredentials, newPassword: string): EngineCommand {
  checkDatabaseCredentials(engine, credentials);
  check('newPassword', databasePassword(newPassword));
  switch (engine) {
    case 'postgresql':
      // The Unix socket inside the container; PGPASSWORD covers an image whose local connections ask for one.
      return {
        argv: ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-U', credentials.userName, '-d', credentials.databaseName],
        env: { PGPASSWORD: credentials.password },
        stdin: `ALTER ROLE ${quotePgIdentifier(credentials.userName)} WITH PASSWORD ${quotePgLiteral(newPassword)};\n`,
      };
    case 'mysql':
    case 'mariadb':
      // The official images create the user for every host ('%'); root changes it and needs no other privilege.
      return {
        argv: [engine === 'mysql' ? 'mysql' : 'mariadb', '--protocol=socket', '-u', 'root'],
        env: { MYSQL_PWD: credentials.rootPassword as string },
        stdin: `ALTER USER ${quoteMysqlLiteral(credentials.userName)}@'%' IDENTIFIED BY ${quoteMysqlLiteral(newPassword)};\n`,
      };
    case 'redis':
      return {
        argv: ['redis-cli', '-h', '127.0.0.1', '-p', String(DATABASE_INTERNAL_PORTS.redis)],
        env: { REDISCLI_AUTH: credentials.password },
        stdin: `CONFIG SET requirepass "${newPassword}"\n`,
        expectStdout: 'OK',
      };
  }
}
