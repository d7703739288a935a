import { DATABASE_INTERNAL_PORTS, type BackupInventory, type DatabaseEngine } from '@zpanel/contracts';
import { DatabaseCommandError, type DatabaseCredentials, type EngineCommand, checkDatabaseCredentials } from './engine-commands';

/**
 * What Zpanel runs to dump, restore and count a database with the engine's own tools (docs/backups.md,
 * "Dumps and restores"): argv arrays, secrets only in the environment, SQL only as fixed text on
 * stdin. A dump writes to stdout and a restore reads stdin; the worker streams both through the
 * Docker API. Like engine-commands.ts, each builder checks the credentials against the allowlists again.
 */

const isSql = (engine: DatabaseEngine): engine is 'postgresql' | 'mysql' | 'mariadb' => engine !== 'redis';

function checked(engine: DatabaseEngine, credentials: DatabaseCredentials, want: 'sql' | 'redis'): void {
  checkDatabaseCredentials(engine, credentials);
  if ((want === 'sql') !== isSql(engine)) throw new DatabaseCommandError('engine', want === 'sql' ? 'must be a SQL engine' : 'must be redis');
}

/**
 * PostgreSQL's dump: the custom format (`-Fc`: compressed table by table, restorable selectively and
 * in parallel), at zlib's fastest level (`-Z1`): the dump leaves the container through Docker's exec
 * stream, which carries far fewer bytes a second than pg_dump writes, so compressing inside the
 * container first is faster end to end than an uncompressed dump compressed by the worker
 * (docs/backups.md, "Why these flags", has the figures).
 * Over the Unix socket as the database's user (the official image's POSTGRES_USER, a superuser).
 */
export function pgDumpCommand(credentials: DatabaseCredentials): EngineCommand {
  checked('postgresql', credentials, 'sql');
  return {
    argv: ['pg_dump', '-Fc', '-Z1', '--no-password', '-U', credentials.userName, '-d', credentials.databaseName],
    env: { PGPASSWORD: credentials.password },
  };
}

/**
 * pg_restore of a custom-format dump read from stdin into the database: objects of the dump dropped
 * first where they exist (`--clean --if-exists`, so a restore over the same database replaces them),
 * owned by the connecting user whatever the source's were (`--no-owner --no-acl`: a scratch
 * container's user is not the source's), all in one transaction, so a failure leaves the database as
 * it was (`--single-transaction` implies `--exit-on-error`: any error is exit code 1; warnings alone
 * exit 0).
 */
export function pgRestoreCommand(credentials: DatabaseCredentials): EngineCommand {
  checked('postgresql', credentials, 'sql');
  return {
    argv: [
      'pg_restore',
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-acl',
      '--single-transaction',
      '--no-password',
      '-U',
      credentials.userName,
      '-d',
      credentials.databaseName,
    ],
    env: { PGPASSWORD: credentials.password },
  };
}

/**
 * Every table of the database outside the system schemas (ordinary and partitioned), with an exact
 * `count(*)` each (query_to_xml runs one count per table inside the single statement). One line per
 * table: the name `schema.table` as UTF-8 in hex (any name survives the text output), a tab, the count.
 */
const PG_INVENTORY_SQL = `SELECT encode(convert_to(n.nspname || '.' || c.relname, 'UTF8'), 'hex') || E'\\t' ||
  (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
ORDER BY 1;
`;

/**
 * The same for MySQL / MariaDB, in the database the client connects to: one statement built on the
 * server from information_schema (names quoted there with backticks doubled), prepared and run; one
 * line per base table, its name in hex, a tab, its count. The SQL is fixed text: no name goes into it here.
 */
const MYSQL_INVENTORY_SQL = `SET SESSION group_concat_max_len = 1073741824;
SET @zpanel_inventory = (SELECT GROUP_CONCAT(CONCAT('SELECT ', QUOTE(HEX(TABLE_NAME)), ', COUNT(*) FROM \`', REPLACE(TABLE_NAME, '\`', '\`\`'), '\`') SEPARATOR ' UNION ALL ') FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE');
SET @zpanel_inventory = COALESCE(@zpanel_inventory, 'SELECT 1, 1 FROM DUAL WHERE FALSE');
PREPARE zpanel_inventory FROM @zpanel_inventory;
EXECUTE zpanel_inventory;
DEALLOCATE PREPARE zpanel_inventory;
`;

/** The MySQL / MariaDB client and dump tool names to try, in order: MariaDB's images from 11 on have only the `mariadb*` names, older ones and MySQL's only the `mysql*`. */
export function mysqlToolNames(engine: 'mysql' | 'mariadb', tool: 'client' | 'dump'): string[] {
  const mariadb = tool === 'client' ? 'mariadb' : 'mariadb-dump';
  const mysql = tool === 'client' ? 'mysql' : 'mysqldump';
  return engine === 'mariadb' ? [mariadb, mysql] : [mysql];
}

/** Whether a tool is in the container: `<tool> --version` (exit 0) before a dump that cannot say so once it streams. */
export function toolVersionCommand(tool: string): EngineCommand {
  if (![...mysqlToolNames('mariadb', 'client'), ...mysqlToolNames('mariadb', 'dump')].includes(tool))
    throw new DatabaseCommandError('tool', 'must be one of mariadb, mysql, mariadb-dump, mysqldump');
  return { argv: [tool, '--version'], env: {} };
}

function mysqlTool(engine: DatabaseEngine, tool: string, kind: 'client' | 'dump'): void {
  if (engine !== 'mysql' && engine !== 'mariadb') throw new DatabaseCommandError('engine', 'must be mysql or mariadb');
  if (!mysqlToolNames(engine, kind).includes(tool))
    throw new DatabaseCommandError('tool', `must be one of ${mysqlToolNames(engine, kind).join(', ')}`);
}

/**
 * mariadb-dump (or mysqldump) of the database as root over the socket (root reads routines, events
 * and every definer's objects): one consistent snapshot of InnoDB tables without locking them
 * (`--single-transaction`), stored procedures and functions, triggers and events, binary columns in
 * hex (safe through any character set). Without `--databases`, the dump has no CREATE DATABASE / USE,
 * so it restores into whichever database the client is given.
 */
export function mysqlDumpCommand(engine: 'mysql' | 'mariadb', credentials: DatabaseCredentials, tool: string): EngineCommand {
  checked(engine, credentials, 'sql');
  mysqlTool(engine, tool, 'dump');
  return {
    argv: [
      tool,
      '--protocol=socket',
      '-u',
      'root',
      '--single-transaction',
      '--routines',
      '--triggers',
      '--events',
      '--hex-blob',
      '--default-character-set=utf8mb4',
      credentials.databaseName,
    ],
    env: { MYSQL_PWD: credentials.rootPassword as string },
  };
}

/** The client as root reading a dump from stdin into the database (the dump drops and recreates each table it holds); stops at the first error. */
export function mysqlRestoreCommand(engine: 'mysql' | 'mariadb', credentials: DatabaseCredentials, tool: string): EngineCommand {
  checked(engine, credentials, 'sql');
  mysqlTool(engine, tool, 'client');
  return {
    argv: [tool, '--protocol=socket', '-u', 'root', '--default-character-set=utf8mb4', credentials.databaseName],
    env: { MYSQL_PWD: credentials.rootPassword as string },
  };
}

/** The inventory query for a SQL engine (see parseSqlInventory). */
export function sqlInventoryCommand(engine: DatabaseEngine, credentials: DatabaseCredentials, tool?: string): EngineCommand {
  checked(engine, credentials, 'sql');
  if (engine === 'postgresql') {
    return {
      argv: ['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '--no-password', '-U', credentials.userName, '-d', credentials.databaseName],
      env: { PGPASSWORD: credentials.password },
      stdin: PG_INVENTORY_SQL,
    };
  }
  const client = tool ?? mysqlToolNames(engine as 'mysql' | 'mariadb', 'client')[0];
  mysqlTool(engine, client, 'client');
  return {
    argv: [client, '--protocol=socket', '-u', 'root', '--default-character-set=utf8mb4', '-N', '-B', credentials.databaseName],
    env: { MYSQL_PWD: credentials.rootPassword as string },
    stdin: MYSQL_INVENTORY_SQL,
  };
}

/** The lines of an inventory query: hex name, tab, count; sorted by name. Throws on anything else (never a partial inventory). */
export function parseSqlInventory(stdout: string): BackupInventory {
  const tables: Array<{ name: string; rows: number }> = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const match = /^([0-9A-Fa-f]*)\t(\d+)$/.exec(line.trim());
    if (!match || match[1].length % 2 !== 0) throw new Error(`unexpected inventory line: ${line.slice(0, 200)}`);
    tables.push({ name: Buffer.from(match[1], 'hex').toString('utf8'), rows: Number(match[2]) });
  }
  tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { tables };
}

/** The Redis commands the backup steps send, each a fixed word list (nothing from the outside reaches them). */
export type RedisBackupQuery = 'info-persistence' | 'bgsave' | 'dbsize' | 'config-dir' | 'config-persistence';

const REDIS_QUERIES: Record<RedisBackupQuery, string[]> = {
  'info-persistence': ['INFO', 'persistence'],
  // SCHEDULE: when an AOF rewrite runs, the save starts once it ends instead of failing.
  bgsave: ['BGSAVE', 'SCHEDULE'],
  dbsize: ['DBSIZE'],
  'config-dir': ['CONFIG', 'GET', 'dir'],
  // appenddirname exists from Redis 7 on; older ones answer nothing for it.
  'config-persistence': ['CONFIG', 'GET', 'dbfilename', 'appendonly', 'appendfilename', 'appenddirname'],
};

export function redisBackupCommand(credentials: DatabaseCredentials, query: RedisBackupQuery): EngineCommand {
  checked('redis', credentials, 'redis');
  const words = REDIS_QUERIES[query];
  if (!words) throw new DatabaseCommandError('query', 'is not a Redis backup query');
  return {
    argv: ['redis-cli', '-h', '127.0.0.1', '-p', String(DATABASE_INTERNAL_PORTS.redis), ...words],
    env: { REDISCLI_AUTH: credentials.password },
  };
}

/** `INFO persistence` as fields (`rdb_bgsave_in_progress` -> `0`). */
export function parseRedisInfo(stdout: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of stdout.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return fields;
}

/** `CONFIG GET` answers: name and value on alternate lines. */
export function parseRedisConfig(stdout: string): Record<string, string> {
  const lines = stdout.replace(/\r/g, '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const config: Record<string, string> = {};
  for (let i = 0; i + 1 < lines.length; i += 2) config[lines[i]] = lines[i + 1];
  return config;
}

/** Where a Redis keeps its files, as the restore helper needs them; each value checked (they come from the server). */
export interface RedisFiles {
  dir: string;
  dbfilename: string;
  appendonly: boolean;
  appendfilename: string;
  /** Redis 7's directory of multi-part AOF files; null before 7 (one appendfilename file in dir). */
  appenddirname: string | null;
}

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ABSOLUTE_DIR = /^(?:\/[A-Za-z0-9._-]+)+$|^\/$/;

/** The files from `CONFIG GET dir` and `config-persistence` answers; throws a DatabaseCommandError on a value it would not put in a path. */
export function redisFiles(config: Record<string, string>): RedisFiles {
  const dir = config.dir ?? '';
  if (!ABSOLUTE_DIR.test(dir) || dir.split('/').some((part) => part === '.' || part === '..'))
    throw new DatabaseCommandError('dir', 'must be a plain absolute path');
  const name = (field: string, value: string | undefined): string => {
    if (value === undefined || !FILE_NAME.test(value) || value === '.' || value === '..')
      throw new DatabaseCommandError(field, 'must be a plain file name');
    return value;
  };
  return {
    dir,
    dbfilename: name('dbfilename', config.dbfilename),
    appendonly: config.appendonly === 'yes',
    appendfilename: name('appendfilename', config.appendfilename),
    appenddirname: config.appenddirname === undefined || config.appenddirname === '' ? null : name('appenddirname', config.appenddirname),
  };
}

/** Reads the RDB file BGSAVE wrote (Redis writes a temporary file and renames it, so an open file is always a whole snapshot). */
export function redisReadRdbCommand(files: RedisFiles): EngineCommand {
  const checkedFiles = redisFiles({ ...files, appendonly: files.appendonly ? 'yes' : 'no', appenddirname: files.appenddirname ?? '' });
  return { argv: ['cat', joinPath(checkedFiles.dir, checkedFiles.dbfilename)], env: {} };
}

function joinPath(dir: string, file: string): string {
  return dir === '/' ? `/${file}` : `${dir}/${file}`;
}

/**
 * Run in a helper container of the Redis image (for its `redis-check-rdb`) that has the stopped Redis
 * container's volumes: checks the RDB read from stdin, writes it as the dump file and removes the AOF,
 * so the RDB is what loads. With `appendonly yes`, Redis
 * loads only the AOF and, finding none, starts empty (and then saves that over the RDB); so the RDB
 * also becomes the AOF: from Redis 7 the base file of a one-line manifest (`type b`: an RDB-format
 * base), before 7 the AOF file itself (an RDB preamble with no commands after it). The files get the
 * data directory's owner (the server runs as uid 999). The script is fixed; names come in the environment.
 */
export function redisReplaceRdbCommand(files: RedisFiles): EngineCommand {
  const checkedFiles = redisFiles({ ...files, appendonly: files.appendonly ? 'yes' : 'no', appenddirname: files.appenddirname ?? '' });
  const script = [
    'set -eu',
    'cd "$RDB_DIR"',
    'owner=$(stat -c %u:%g .)',
    'cat > .zpanel-restore.rdb',
    // A cut or changed file must not replace the data: the checker reads it whole (structure and CRC64).
    'redis-check-rdb .zpanel-restore.rdb >&2 || { rm -f .zpanel-restore.rdb; echo "the input is not a whole RDB file" >&2; exit 3; }',
    'rm -rf -- "$AOF_FILE"',
    'if [ -n "$AOF_DIR" ]; then rm -rf -- "$AOF_DIR"; fi',
    'if [ "$AOF_ON" = yes ]; then',
    '  if [ -n "$AOF_DIR" ]; then',
    '    mkdir "$AOF_DIR"',
    '    ln .zpanel-restore.rdb "$AOF_DIR/$AOF_FILE.1.base.rdb"',
    '    printf "file %s seq 1 type b\\n" "$AOF_FILE.1.base.rdb" > "$AOF_DIR/$AOF_FILE.manifest"',
    '    chown -R "$owner" "$AOF_DIR"',
    '  else',
    '    ln .zpanel-restore.rdb "$AOF_FILE"',
    '  fi',
    'fi',
    'chown "$owner" .zpanel-restore.rdb',
    'mv .zpanel-restore.rdb "$RDB_FILE"',
  ].join('\n');
  return {
    argv: ['sh', '-c', script],
    env: {
      RDB_DIR: checkedFiles.dir,
      RDB_FILE: checkedFiles.dbfilename,
      AOF_ON: checkedFiles.appendonly ? 'yes' : 'no',
      AOF_FILE: checkedFiles.appendfilename,
      AOF_DIR: checkedFiles.appenddirname ?? '',
    },
  };
}

/** Where helper containers mount the volume they dump, restore or count. */
export const VOLUME_MOUNT = '/volume';

/**
 * The helper commands for a volume (busybox or any image with a POSIX sh and tar): `dump` writes a
 * tar of the volume's content (numeric owners, so ids survive images without the names); `restore`
 * empties the volume (hidden files too) and extracts a tar from stdin with its owners and modes. A
 * volume's inventory is counted by the worker in that tar (`TarInventory`, `@zpanel/remote`).
 */
export function volumeCommand(kind: 'dump' | 'restore'): EngineCommand {
  switch (kind) {
    case 'dump':
      return { argv: ['tar', '-c', '-f', '-', '--numeric-owner', '-C', VOLUME_MOUNT, '.'], env: {} };
    case 'restore':
      return {
        argv: ['sh', '-c', `set -eu; cd ${VOLUME_MOUNT}; rm -rf -- * .[!.]* ..?*; exec tar -x -f - --numeric-owner -C ${VOLUME_MOUNT}`],
        env: {},
      };
  }
}
