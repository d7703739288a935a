import { DATABASE_REFERENCE_VARIABLES } from '@zpanel/contracts';
import { connectionUrl, connectionVariables, formatConnectionUrl } from './connection';
import { DatabaseCommandError } from './engine-commands';
import { hostileDatabaseValues } from './hostile-values';

const PASSWORD = 'Pa55wordPa55wordPa55wordPa55word0000';
const pg = { databaseName: 'shop', userName: 'shop_app', password: PASSWORD };

describe(connectionUrl.name, () => {
  it('builds each engine’s URL from the endpoint and credentials', () => {
    expect(connectionUrl('postgresql', { host: 'zp-main-db', port: 5432 }, pg)).toBe(`postgresql://shop_app:${PASSWORD}@zp-main-db:5432/shop`);
    expect(connectionUrl('mysql', { host: 'zp-my', port: 3306 }, pg)).toBe(`mysql://shop_app:${PASSWORD}@zp-my:3306/shop`);
    expect(connectionUrl('mariadb', { host: '203.0.113.7', port: 13306 }, pg)).toBe(`mysql://shop_app:${PASSWORD}@203.0.113.7:13306/shop`);
    expect(connectionUrl('redis', { host: 'zp-cache', port: 6379 }, { databaseName: '0', userName: 'default', password: PASSWORD })).toBe(
      `redis://default:${PASSWORD}@zp-cache:6379/0`,
    );
  });

  it('puts an IPv6 address in brackets', () => {
    expect(connectionUrl('postgresql', { host: '2001:db8::1', port: 5432 }, pg)).toBe(`postgresql://shop_app:${PASSWORD}@[2001:db8::1]:5432/shop`);
  });

  it('checks the credentials too', () => {
    expect(() => connectionUrl('postgresql', { host: 'db', port: 5432 }, { ...pg, userName: 'root' })).toThrow(DatabaseCommandError);
  });
});

describe(formatConnectionUrl.name, () => {
  const endpoint = { host: 'zp-main-db', port: 5432 };

  it('round-trips any text in user, password and name through a URL parser, URL syntax included', () => {
    const values = [
      // The lone surrogate has no UTF-8 spelling; it is refused below.
      ...hostileDatabaseValues('/tmp/pwned').filter((v) => !v.includes('\ud800')),
      'p@ss:w/rd?#%20&=+',
      '%',
      '[]',
      ' ',
    ];
    for (const value of values) {
      const url = new URL(formatConnectionUrl('postgresql', endpoint, { userName: value, password: value, databaseName: value }));
      expect(url.hostname).toBe('zp-main-db');
      expect(url.port).toBe('5432');
      expect(decodeURIComponent(url.username)).toBe(value);
      expect(decodeURIComponent(url.password)).toBe(value);
      expect(decodeURIComponent(url.pathname.slice(1))).toBe(value);
      expect(url.search).toBe('');
      expect(url.hash).toBe('');
    }
  });

  it('refuses a lone surrogate, naming the field', () => {
    expect(() => formatConnectionUrl('postgresql', endpoint, { userName: 'u', password: 'a\ud800b', databaseName: 'd' })).toThrow(
      'password must be valid Unicode text',
    );
  });

  it('refuses every hostile host, and ports outside 1-65535', () => {
    const parts = { userName: 'u', password: 'p', databaseName: 'd' };
    for (const host of [...hostileDatabaseValues('/tmp/pwned'), '', 'Upper.example', 'a..b', 'user@evil', 'evil/x', 'x'.repeat(254)]) {
      expect(() => formatConnectionUrl('postgresql', { host, port: 5432 }, parts)).toThrow(/^host must be a host name/);
    }
    for (const port of [0, 65536, -1, 1.5, Number.NaN, '5432' as unknown as number]) {
      expect(() => formatConnectionUrl('postgresql', { host: 'db', port }, parts)).toThrow(/^port must be an integer/);
    }
    expect(formatConnectionUrl('postgresql', { host: 'db', port: 65535 }, parts)).toBe('postgresql://u:p@db:65535/d');
  });
});

describe(connectionVariables.name, () => {
  it('gives every reference variable, the URL among them', () => {
    const variables = connectionVariables('postgresql', { host: 'zp-main-db', port: 5432 }, pg);
    expect(Object.keys(variables).sort()).toEqual([...DATABASE_REFERENCE_VARIABLES].sort());
    expect(variables).toEqual({
      DATABASE_URL: `postgresql://shop_app:${PASSWORD}@zp-main-db:5432/shop`,
      HOST: 'zp-main-db',
      PORT: '5432',
      USER: 'shop_app',
      PASSWORD,
      NAME: 'shop',
    });
  });

  it('needs no root password for MySQL or MariaDB: an application connects as the user, and root never leaves the container', () => {
    expect(connectionVariables('mariadb', { host: 'zp-db', port: 3306 }, pg).DATABASE_URL).toBe(`mysql://shop_app:${PASSWORD}@zp-db:3306/shop`);
  });

  it('refuses a hostile endpoint before giving anything', () => {
    const redis = { databaseName: '0', userName: 'default', password: PASSWORD, rootPassword: null };
    expect(() => connectionVariables('redis', { host: '$(touch /tmp/pwned)', port: 6379 }, redis)).toThrow('host must be a host name');
  });
});
