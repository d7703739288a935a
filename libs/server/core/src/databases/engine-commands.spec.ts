import { DATABASE_ENGINES, type DatabaseEngine } from '@zpanel/contracts';
import { generateDatabasePassword } from './database-fields';
import {
  DatabaseCommandError,
  type DatabaseCredentials,
  checkDatabaseCredentials,
  databaseContainer,
  newDatabaseCredentials,
  passwordRotation,
  readinessProbe,
} from './engine-commands';
import { hostileDatabaseValues } from './hostile-values';

const PASSWORD = 'Pa55wordPa55wordPa55wordPa55word0000';
const ROOT = 'R00tR00tR00tR00tR00tR00tR00tR00tR00t';
const NEXT = 'NextNextNextNextNextNextNextNextNext';

function credentials(engine: DatabaseEngine): DatabaseCredentials {
  if (engine === 'redis') return { databaseName: '0', userName: 'default', password: PASSWORD, rootPassword: null };
  return { databaseName: 'shop', userName: 'shop_app', password: PASSWORD, rootPassword: engine === 'postgresql' ? null : ROOT };
}

/** Every builder, each called with the same credentials; the new password is the rotation's own field. */
const BUILDERS: Record<string, (engine: DatabaseEngine, c: DatabaseCredentials, next?: string) => unknown> = {
  databaseContainer: (engine, c) => databaseContainer(engine, '17', c),
  readinessProbe: (engine, c) => readinessProbe(engine, c),
  passwordRotation: (engine, c, next = NEXT) => passwordRotation(engine, c, next),
};

function thrown(run: () => unknown): DatabaseCommandError {
  try {
    run();
  } catch (error) {
    if (error instanceof DatabaseCommandError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe(databaseContainer.name, () => {
  it('gives PostgreSQL its user, password and database through the official variables', () => {
    expect(databaseContainer('postgresql', '17', credentials('postgresql'))).toEqual({
      env: { POSTGRES_USER: 'shop_app', POSTGRES_PASSWORD: PASSWORD, POSTGRES_DB: 'shop' },
      command: [],
      dataDirectory: '/var/lib/postgresql/data',
      internalPort: 5432,
    });
  });

  it('mounts PostgreSQL 18 and later where their image keeps its versioned data directory', () => {
    expect(databaseContainer('postgresql', '18.1-alpine', credentials('postgresql')).dataDirectory).toBe('/var/lib/postgresql');
    expect(databaseContainer('postgresql', '15', credentials('postgresql')).dataDirectory).toBe('/var/lib/postgresql/data');
  });

  it('gives MySQL the MYSQL_ and MariaDB the MARIADB_ variables, root included', () => {
    expect(databaseContainer('mysql', '8', credentials('mysql'))).toEqual({
      env: { MYSQL_ROOT_PASSWORD: ROOT, MYSQL_DATABASE: 'shop', MYSQL_USER: 'shop_app', MYSQL_PASSWORD: PASSWORD },
      command: [],
      dataDirectory: '/var/lib/mysql',
      internalPort: 3306,
    });
    expect(databaseContainer('mariadb', '11', credentials('mariadb')).env).toEqual({
      MARIADB_ROOT_PASSWORD: ROOT,
      MARIADB_DATABASE: 'shop',
      MARIADB_USER: 'shop_app',
      MARIADB_PASSWORD: PASSWORD,
    });
  });

  it('starts Redis with a password and append-only persistence, each argument its own element', () => {
    expect(databaseContainer('redis', '7', credentials('redis'))).toEqual({
      env: {},
      command: ['redis-server', '--requirepass', PASSWORD, '--appendonly', 'yes'],
      dataDirectory: '/data',
      internalPort: 6379,
    });
  });
});

describe(readinessProbe.name, () => {
  it('asks each engine over TCP on 127.0.0.1, never with a secret in the argv', () => {
    expect(readinessProbe('postgresql', credentials('postgresql'))).toEqual({
      argv: ['pg_isready', '-h', '127.0.0.1', '-p', '5432', '-U', 'shop_app', '-d', 'shop'],
      env: {},
    });
    expect(readinessProbe('mysql', credentials('mysql')).argv).toEqual(['mysqladmin', '--protocol=tcp', '-h', '127.0.0.1', '-P', '3306', 'ping']);
    expect(readinessProbe('mariadb', credentials('mariadb')).argv).toEqual([
      'mariadb-admin',
      '--protocol=tcp',
      '-h',
      '127.0.0.1',
      '-P',
      '3306',
      'ping',
    ]);
    expect(readinessProbe('redis', credentials('redis'))).toEqual({
      argv: ['redis-cli', '-h', '127.0.0.1', '-p', '6379', 'ping'],
      env: { REDISCLI_AUTH: PASSWORD },
      expectStdout: 'PONG',
    });
  });
});

describe(passwordRotation.name, () => {
  it('changes the PostgreSQL role’s password with SQL on stdin, the current password in the environment', () => {
    expect(passwordRotation('postgresql', credentials('postgresql'), NEXT)).toEqual({
      argv: ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-U', 'shop_app', '-d', 'shop'],
      env: { PGPASSWORD: PASSWORD },
      stdin: `ALTER ROLE "shop_app" WITH PASSWORD '${NEXT}';\n`,
    });
  });

  it('changes the MySQL / MariaDB user’s password as root, the root password in the environment', () => {
    const mysql = passwordRotation('mysql', credentials('mysql'), NEXT);
    expect(mysql).toEqual({
      argv: ['mysql', '--protocol=socket', '-u', 'root'],
      env: { MYSQL_PWD: ROOT },
      stdin: `ALTER USER 'shop_app'@'%' IDENTIFIED BY '${NEXT}';\n`,
    });
    expect(passwordRotation('mariadb', credentials('mariadb'), NEXT).argv[0]).toBe('mariadb');
  });

  it('sets the Redis password with CONFIG SET on stdin and checks the reply', () => {
    expect(passwordRotation('redis', credentials('redis'), NEXT)).toEqual({
      argv: ['redis-cli', '-h', '127.0.0.1', '-p', '6379'],
      env: { REDISCLI_AUTH: PASSWORD },
      stdin: `CONFIG SET requirepass "${NEXT}"\n`,
      expectStdout: 'OK',
    });
  });

  it('never puts a password in an argv', () => {
    for (const engine of DATABASE_ENGINES) {
      for (const command of [readinessProbe(engine, credentials(engine)), passwordRotation(engine, credentials(engine), NEXT)]) {
        const argv = command.argv.join('\n');
        for (const secret of [PASSWORD, ROOT, NEXT]) expect(argv).not.toContain(secret);
      }
    }
  });

  it('refuses a new password that is not a generated one', () => {
    expect(thrown(() => passwordRotation('postgresql', credentials('postgresql'), 'short')).field).toBe('newPassword');
  });
});

describe(newDatabaseCredentials.name, () => {
  it('keeps the names given and generates distinct passwords, root only where the engine has one', () => {
    const pg = newDatabaseCredentials('postgresql', { databaseName: 'shop', userName: 'shop_app' });
    expect(pg).toEqual({ databaseName: 'shop', userName: 'shop_app', password: expect.stringMatching(/^[A-Za-z0-9]{40}$/), rootPassword: null });
    const mysql = newDatabaseCredentials('mysql', { databaseName: 'shop', userName: 'shop_app' });
    expect(mysql.rootPassword).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(mysql.rootPassword).not.toBe(mysql.password);
  });

  it('gives Redis its fixed names whatever is asked', () => {
    const redis = newDatabaseCredentials('redis', { databaseName: 'ignored', userName: 'ignored' });
    expect(redis).toEqual({ databaseName: '0', userName: 'default', password: expect.stringMatching(/^[A-Za-z0-9]{40}$/), rootPassword: null });
  });

  it('refuses names outside the allowlist', () => {
    expect(thrown(() => newDatabaseCredentials('mariadb', { databaseName: 'shop', userName: 'root' })).field).toBe('userName');
  });
});

describe('hostile input', () => {
  const canary = '/tmp/pwned';

  it('refuses an engine that is not one, before anything else', () => {
    for (const engine of ['oracle', ...hostileDatabaseValues(canary)]) {
      for (const build of Object.values(BUILDERS)) {
        expect(thrown(() => build(engine as DatabaseEngine, credentials('postgresql'))).field).toBe('engine');
      }
    }
  });

  it.each(DATABASE_ENGINES)('%s: every builder refuses every hostile value in every field, naming the field', (engine) => {
    const fields = ['databaseName', 'userName', 'password', 'rootPassword'] as const;
    for (const value of hostileDatabaseValues(canary)) {
      for (const [name, build] of Object.entries(BUILDERS)) {
        for (const field of fields) {
          const hostile = { ...credentials(engine), [field]: value };
          const error = thrown(() => build(engine, hostile));
          expect({ name, field: error.field }).toEqual({ name, field });
          expect(error.message).not.toContain(value);
        }
        if (name === 'passwordRotation') expect(thrown(() => build(engine, credentials(engine), value)).field).toBe('newPassword');
      }
      expect(() => checkDatabaseCredentials(engine, { ...credentials(engine), password: value })).toThrow(DatabaseCommandError);
    }
  });

  it('refuses Redis names other than its fixed ones, and a root password where there is no root', () => {
    expect(thrown(() => readinessProbe('redis', { ...credentials('redis'), userName: 'admin' })).field).toBe('userName');
    expect(thrown(() => readinessProbe('redis', { ...credentials('redis'), databaseName: '1' })).field).toBe('databaseName');
    expect(thrown(() => readinessProbe('postgresql', { ...credentials('postgresql'), rootPassword: ROOT })).field).toBe('rootPassword');
    expect(thrown(() => readinessProbe('mysql', { ...credentials('mysql'), rootPassword: null })).field).toBe('rootPassword');
  });

  it('builds commands whose every element is one plain word, and whose only options are fixed ones', () => {
    const options = new Set([
      '-h',
      '-p',
      '-P',
      '-U',
      '-d',
      '-u',
      '-X',
      '-q',
      '-v',
      '--protocol=tcp',
      '--protocol=socket',
      '--requirepass',
      '--appendonly',
    ]);
    for (const engine of DATABASE_ENGINES) {
      const c = { ...credentials(engine), password: generateDatabasePassword() };
      const commands = [readinessProbe(engine, c), passwordRotation(engine, c, generateDatabasePassword())];
      for (const part of [...commands.flatMap((command) => command.argv), ...databaseContainer(engine, '7', c).command]) {
        expect(part).toMatch(/^[A-Za-z0-9_.=-]+$/);
        if (part.startsWith('-')) expect(options).toContain(part);
      }
    }
  });
});
