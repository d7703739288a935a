import { type DatabaseEngine } from '@zpanel/contracts';
import {
  type RedisFiles,
  VOLUME_MOUNT,
  mysqlDumpCommand,
  mysqlRestoreCommand,
  mysqlToolNames,
  parseRedisConfig,
  parseRedisInfo,
  parseSqlInventory,
  pgDumpCommand,
  pgRestoreCommand,
  redisBackupCommand,
  redisFiles,
  redisReadRdbCommand,
  redisReplaceRdbCommand,
  sqlInventoryCommand,
  toolVersionCommand,
  volumeCommand,
} from './backup-commands';
import { DatabaseCommandError, type DatabaseCredentials, type EngineCommand } from './engine-commands';
import { hostileDatabaseValues } from './hostile-values';

const PASSWORD = 'Pa55wordPa55wordPa55wordPa55word0000';
const ROOT = 'R00tR00tR00tR00tR00tR00tR00tR00tR00t';

function credentials(engine: DatabaseEngine): DatabaseCredentials {
  if (engine === 'redis') return { databaseName: '0', userName: 'default', password: PASSWORD, rootPassword: null };
  return { databaseName: 'shop', userName: 'shop_app', password: PASSWORD, rootPassword: engine === 'postgresql' ? null : ROOT };
}

const REDIS_FILES: RedisFiles = {
  dir: '/data',
  dbfilename: 'dump.rdb',
  appendonly: true,
  appendfilename: 'appendonly.aof',
  appenddirname: 'appendonlydir',
};

/** Every builder that takes credentials, per engine it serves. */
const BUILDERS: Array<[string, DatabaseEngine, (c: DatabaseCredentials) => EngineCommand]> = [
  ['pgDumpCommand', 'postgresql', (c) => pgDumpCommand(c)],
  ['pgRestoreCommand', 'postgresql', (c) => pgRestoreCommand(c)],
  ['sqlInventoryCommand', 'postgresql', (c) => sqlInventoryCommand('postgresql', c)],
  ...(['mysql', 'mariadb'] as const).flatMap((engine): Array<[string, DatabaseEngine, (c: DatabaseCredentials) => EngineCommand]> => [
    ['mysqlDumpCommand', engine, (c) => mysqlDumpCommand(engine, c, mysqlToolNames(engine, 'dump')[0])],
    ['mysqlRestoreCommand', engine, (c) => mysqlRestoreCommand(engine, c, mysqlToolNames(engine, 'client')[0])],
    ['sqlInventoryCommand', engine, (c) => sqlInventoryCommand(engine, c)],
  ]),
  ['redisBackupCommand', 'redis', (c) => redisBackupCommand(c, 'info-persistence')],
];

function thrown(run: () => unknown): DatabaseCommandError {
  try {
    run();
  } catch (error) {
    if (error instanceof DatabaseCommandError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

const secrets = (command: EngineCommand) => [PASSWORD, ROOT].filter((secret) => command.argv.some((part) => part.includes(secret)));

describe('PostgreSQL dump and restore', () => {
  it('dumps in the custom format, uncompressed (the worker compresses), as the user over the socket, the password in the environment', () => {
    expect(pgDumpCommand(credentials('postgresql'))).toEqual({
      argv: ['pg_dump', '-Fc', '-Z1', '--no-password', '-U', 'shop_app', '-d', 'shop'],
      env: { PGPASSWORD: PASSWORD },
    });
  });

  it('restores dropping what the dump holds first, without owners or grants, in one transaction', () => {
    const command = pgRestoreCommand(credentials('postgresql'));
    expect(command.argv).toEqual(
      expect.arrayContaining([
        'pg_restore',
        '--clean',
        '--if-exists',
        '--no-owner',
        '--no-acl',
        '--single-transaction',
        '-U',
        'shop_app',
        '-d',
        'shop',
      ]),
    );
    expect(command.env).toEqual({ PGPASSWORD: PASSWORD });
    expect(command.stdin).toBeUndefined();
  });

  it('counts rows of every table outside the system schemas with fixed SQL on stdin', () => {
    const command = sqlInventoryCommand('postgresql', credentials('postgresql'));
    expect(command.argv).toEqual(['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '--no-password', '-U', 'shop_app', '-d', 'shop']);
    expect(command.stdin).toContain("query_to_xml(format('SELECT count(*) AS c FROM %I.%I'");
    expect(command.stdin).toContain("c.relkind IN ('r', 'p')");
  });
});

describe('MySQL and MariaDB dump and restore', () => {
  it('tries the mariadb names first for MariaDB, then the mysql ones; MySQL has only its own', () => {
    expect(mysqlToolNames('mariadb', 'dump')).toEqual(['mariadb-dump', 'mysqldump']);
    expect(mysqlToolNames('mariadb', 'client')).toEqual(['mariadb', 'mysql']);
    expect(mysqlToolNames('mysql', 'dump')).toEqual(['mysqldump']);
    expect(toolVersionCommand('mysqldump')).toEqual({ argv: ['mysqldump', '--version'], env: {} });
    expect(() => toolVersionCommand('sh')).toThrow(DatabaseCommandError);
  });

  it('dumps as root over the socket in one transaction with routines, triggers and events, the root password in the environment', () => {
    expect(mysqlDumpCommand('mariadb', credentials('mariadb'), 'mariadb-dump')).toEqual({
      argv: [
        'mariadb-dump',
        '--protocol=socket',
        '-u',
        'root',
        '--single-transaction',
        '--routines',
        '--triggers',
        '--events',
        '--hex-blob',
        '--default-character-set=utf8mb4',
        'shop',
      ],
      env: { MYSQL_PWD: ROOT },
    });
    expect(mysqlDumpCommand('mariadb', credentials('mariadb'), 'mysqldump').argv[0]).toBe('mysqldump');
    expect(mysqlRestoreCommand('mysql', credentials('mysql'), 'mysql')).toEqual({
      argv: ['mysql', '--protocol=socket', '-u', 'root', '--default-character-set=utf8mb4', 'shop'],
      env: { MYSQL_PWD: ROOT },
    });
  });

  it("refuses a tool that is not the engine's", () => {
    expect(thrown(() => mysqlDumpCommand('mysql', credentials('mysql'), 'mariadb-dump')).field).toBe('tool');
    expect(thrown(() => mysqlRestoreCommand('mariadb', credentials('mariadb'), 'sh')).field).toBe('tool');
    expect(thrown(() => sqlInventoryCommand('mariadb', credentials('mariadb'), 'mariadb-dump')).field).toBe('tool');
  });

  it('counts rows with a statement the server builds from information_schema (no name goes into the SQL here)', () => {
    const command = sqlInventoryCommand('mariadb', credentials('mariadb'));
    expect(command.argv).toEqual(['mariadb', '--protocol=socket', '-u', 'root', '--default-character-set=utf8mb4', '-N', '-B', 'shop']);
    expect(command.stdin).toContain("REPLACE(TABLE_NAME, '`', '``')");
    expect(command.stdin).toContain('PREPARE zpanel_inventory');
  });
});

describe('inventory answers', () => {
  it('reads hex names and counts, sorted, whatever the names hold', () => {
    const hex = (name: string) => Buffer.from(name, 'utf8').toString('hex');
    const stdout = `${hex('public.zeta')}\t5\n${hex('Odd "schema".semi;colon\ttab\nline')}\t0\n${hex('public.ünï')}\t12345678901\n`;
    expect(parseSqlInventory(stdout)).toEqual({
      tables: [
        { name: 'Odd "schema".semi;colon\ttab\nline', rows: 0 },
        { name: 'public.zeta', rows: 5 },
        { name: 'public.ünï', rows: 12345678901 },
      ],
    });
    expect(parseSqlInventory('')).toEqual({ tables: [] });
  });

  it('refuses anything else rather than give a partial inventory', () => {
    expect(() => parseSqlInventory('7075626c6963\tmany\n')).toThrow(/unexpected inventory line/);
    expect(() => parseSqlInventory('ERROR: permission denied\n')).toThrow(/unexpected inventory line/);
    expect(() => parseSqlInventory('abc\t1\n')).toThrow(/unexpected inventory line/);
  });
});

describe('Redis', () => {
  it('sends fixed words with the password in REDISCLI_AUTH', () => {
    expect(redisBackupCommand(credentials('redis'), 'bgsave')).toEqual({
      argv: ['redis-cli', '-h', '127.0.0.1', '-p', '6379', 'BGSAVE', 'SCHEDULE'],
      env: { REDISCLI_AUTH: PASSWORD },
    });
    expect(redisBackupCommand(credentials('redis'), 'dbsize').argv.slice(5)).toEqual(['DBSIZE']);
    expect(thrown(() => redisBackupCommand(credentials('redis'), 'FLUSHALL' as never)).field).toBe('query');
  });

  it('reads INFO and CONFIG GET answers', () => {
    expect(parseRedisInfo('# Persistence\r\nrdb_saves:3\r\nrdb_bgsave_in_progress:0\r\n')).toEqual({ rdb_saves: '3', rdb_bgsave_in_progress: '0' });
    expect(parseRedisConfig('dbfilename\ndump.rdb\nappendonly\nyes\n')).toEqual({ dbfilename: 'dump.rdb', appendonly: 'yes' });
    expect(
      redisFiles({ dir: '/data', dbfilename: 'dump.rdb', appendonly: 'yes', appendfilename: 'appendonly.aof', appenddirname: 'appendonlydir' }),
    ).toEqual(REDIS_FILES);
    // Redis 6 has no appenddirname.
    expect(redisFiles({ dir: '/data', dbfilename: 'dump.rdb', appendonly: 'no', appendfilename: 'appendonly.aof' }).appenddirname).toBeNull();
  });

  it('reads the RDB with cat, and replaces it (and the AOF) with a fixed script, the names in the environment', () => {
    expect(redisReadRdbCommand(REDIS_FILES)).toEqual({ argv: ['cat', '/data/dump.rdb'], env: {} });
    const replace = redisReplaceRdbCommand(REDIS_FILES);
    expect(replace.argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(replace.env).toEqual({ RDB_DIR: '/data', RDB_FILE: 'dump.rdb', AOF_ON: 'yes', AOF_FILE: 'appendonly.aof', AOF_DIR: 'appendonlydir' });
    expect(replace.argv[2]).toContain('redis-check-rdb');
    expect(replace.argv[2]).not.toContain('/data');
    expect(redisReplaceRdbCommand({ ...REDIS_FILES, appendonly: false, appenddirname: null }).env).toMatchObject({ AOF_ON: 'no', AOF_DIR: '' });
  });
});

describe('volumes', () => {
  it('tars and untars the mount with numeric owners', () => {
    expect(volumeCommand('dump')).toEqual({ argv: ['tar', '-c', '-f', '-', '--numeric-owner', '-C', VOLUME_MOUNT, '.'], env: {} });
    expect(volumeCommand('restore').argv[2]).toMatch(/rm -rf -- \* \.\[!\.\]\* \.\.\?\*; exec tar -x -f - --numeric-owner/);
  });
});

describe('hostile input', () => {
  const canary = '/tmp/pwned';

  it.each(BUILDERS.map(([name, engine, build]) => [name, engine, build] as const))(
    '%s (%s) refuses every hostile value in every credential field, naming the field',
    (_name, engine, build) => {
      const fields =
        engine === 'redis'
          ? (['databaseName', 'userName', 'password'] as const)
          : (['databaseName', 'userName', 'password', 'rootPassword'] as const);
      for (const value of hostileDatabaseValues(canary)) {
        for (const field of fields) {
          if (engine === 'postgresql' && field === 'rootPassword') continue;
          const error = thrown(() => build({ ...credentials(engine), [field]: value }));
          expect(error.field).toBe(field);
          expect(error.message).not.toContain(value);
        }
      }
    },
  );

  it('refuses a builder for another engine', () => {
    expect(thrown(() => pgDumpCommand(credentials('redis'))).field).toBe('databaseName');
    expect(thrown(() => redisBackupCommand(credentials('postgresql'), 'dbsize')).field).toBe('databaseName');
    expect(thrown(() => sqlInventoryCommand('redis', credentials('redis'))).field).toBe('engine');
    expect(thrown(() => mysqlDumpCommand('postgresql' as never, credentials('mysql'), 'mysqldump')).field).toBe('rootPassword');
  });

  it("refuses every hostile value in Redis's file settings (they come from the server), naming the setting", () => {
    for (const value of hostileDatabaseValues(canary)) {
      for (const field of ['dir', 'dbfilename', 'appendfilename', 'appenddirname'] as const) {
        const config = {
          dir: '/data',
          dbfilename: 'dump.rdb',
          appendonly: 'yes',
          appendfilename: 'appendonly.aof',
          appenddirname: 'appendonlydir',
          [field]: value,
        };
        if (field === 'dir' && value === '../../etc/passwd') continue;
        expect(thrown(() => redisFiles(config)).field).toBe(field);
      }
      expect(() => redisReadRdbCommand({ ...REDIS_FILES, dbfilename: value })).toThrow(DatabaseCommandError);
      expect(() => redisReplaceRdbCommand({ ...REDIS_FILES, appenddirname: value })).toThrow(DatabaseCommandError);
    }
    expect(thrown(() => redisFiles({ dir: '/data/../etc', dbfilename: 'dump.rdb', appendfilename: 'a' })).field).toBe('dir');
    expect(thrown(() => redisFiles({ dir: 'data', dbfilename: 'dump.rdb', appendfilename: 'a' })).field).toBe('dir');
    expect(thrown(() => redisFiles({ dir: '/data', dbfilename: '..', appendfilename: 'a' })).field).toBe('dbfilename');
  });

  it('builds commands whose every argv element outside the fixed scripts and SQL is one plain word, and no password is in any argv', () => {
    for (const [, engine, build] of BUILDERS) {
      const command = build(credentials(engine));
      expect(secrets(command)).toEqual([]);
      for (const part of command.argv) expect(part).toMatch(/^[A-Za-z0-9_.=/-]+$/);
    }
    for (const part of redisReadRdbCommand(REDIS_FILES).argv) expect(part).toMatch(/^[A-Za-z0-9_.=/-]+$/);
  });
});
