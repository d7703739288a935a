import { injectionPayloads } from '../shell/injection-payloads';
import {
  PgToolsError,
  conninfoValue,
  libpqEnvironment,
  pgDumpArgv,
  pgDumpVersionProblem,
  pgRestoreArgv,
  pgServerMajor,
  pgToolMajor,
} from './pg-client-tools';

describe('libpqEnvironment', () => {
  it('carries every part of the URL, the password included, as libpq variables', () => {
    expect(libpqEnvironment('postgres://zp%40user:p%3Ass%2Fw0rd@db.example:6543/zpanel?sslmode=verify-full&sslrootcert=/etc/ca.pem')).toEqual({
      PGCONNECT_TIMEOUT: '10',
      PGHOST: 'db.example',
      PGPORT: '6543',
      PGUSER: 'zp@user',
      PGPASSWORD: 'p:ss/w0rd',
      PGDATABASE: 'zpanel',
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: '/etc/ca.pem',
    });
  });

  it('takes a socket directory from ?host=, an IPv6 host without brackets, and another database when asked', () => {
    expect(libpqEnvironment('postgresql://zp@localhost/zpanel?host=/run/postgresql', 'other')).toMatchObject({
      PGHOST: '/run/postgresql',
      PGPORT: '5432',
      PGDATABASE: 'other',
    });
    expect(libpqEnvironment('postgres://zp:x@[::1]:5432/zpanel').PGHOST).toBe('::1');
  });

  it("reads node-postgres's ?ssl=true as sslmode require", () => {
    expect(libpqEnvironment('postgres://zp:x@h/db?ssl=true').PGSSLMODE).toBe('require');
  });

  it('refuses what is not a postgres URL, without echoing it', () => {
    expect(() => libpqEnvironment('not a url s3cret')).toThrow(new PgToolsError('the database URL is not a valid URL'));
    expect(() => libpqEnvironment('mysql://root:s3cret@h/db')).toThrow('the database URL must be a postgres:// URL');
  });
});

describe('pg_dump and pg_restore argv', () => {
  it('dumps in the custom format from an exported snapshot and refuses anything else as the snapshot', () => {
    expect(pgDumpArgv('00000003-0000001B-1')).toEqual(['--format=custom', '--snapshot=00000003-0000001B-1', '--no-password']);
    for (const payload of injectionPayloads('/tmp/pwned')) expect(() => pgDumpArgv(payload)).toThrow('not a snapshot id');
  });

  it('restores in one transaction, without owners and grants, into a database named as one quoted conninfo value', () => {
    expect(pgRestoreArgv('zpanel')).toEqual([
      '--no-owner',
      '--no-acl',
      '--exit-on-error',
      '--single-transaction',
      '--no-password',
      "--dbname=dbname='zpanel'",
    ]);
    expect(pgRestoreArgv("host=evil' port=1 \\")).toContain("--dbname=dbname='host=evil\\' port=1 \\\\'");
  });

  it('keeps every hostile database name inside one argument and one quoted value', () => {
    for (const payload of injectionPayloads('/tmp/pwned')) {
      const argv = pgRestoreArgv(payload);
      expect(argv).toHaveLength(6);
      const quoted = argv[5].slice('--dbname=dbname='.length);
      // Unquoting gives the name back: nothing outside the quotes.
      expect(quoted.slice(1, -1).replace(/\\(.)/gs, '$1')).toBe(payload);
      expect(quoted.startsWith("'") && quoted.endsWith("'")).toBe(true);
    }
    expect(() => conninfoValue('a\0b')).toThrow('NUL');
  });
});

describe('versions', () => {
  it('reads the major version of the tools and the server', () => {
    expect(pgToolMajor('pg_dump (PostgreSQL) 15.4 (Debian 15.4-1.pgdg120+1)')).toBe(15);
    expect(pgToolMajor('pg_dump (PostgreSQL) 17beta1')).toBe(17);
    expect(pgToolMajor('pg_dump (PostgreSQL) 9.6.24')).toBe(9.6);
    expect(pgToolMajor('something else')).toBeNull();
    expect(pgServerMajor(150004)).toBe(15);
    expect(pgServerMajor(90624)).toBe(9.6);
  });

  it('accepts a pg_dump as new as the server or newer, and says what to install otherwise', () => {
    expect(pgDumpVersionProblem(15, 15)).toBeNull();
    expect(pgDumpVersionProblem(16, 15)).toBeNull();
    expect(pgDumpVersionProblem(14, 16)).toBe(
      "pg_dump 14 on the worker's host is older than the PostgreSQL 16 server holding Zpanel's database, and pg_dump cannot dump a newer server: " +
        "install the PostgreSQL 16 client tools on the worker's host (Debian, Ubuntu: apt install postgresql-client-16) and put them first in PATH",
    );
    expect(pgDumpVersionProblem(null, 15)).toMatch(/could not be read/);
  });
});
