import { isIP } from 'node:net';
import type { DatabaseEngine, DatabaseReferenceVariable } from '@zpanel/contracts';
import { type ConnectionCredentials, DatabaseCommandError, checkConnectionCredentials } from './engine-commands';

/** Where an application reaches the database: the internal host name on the Zpanel network and port, or a public address. */
export interface DatabaseEndpoint {
  host: string;
  port: number;
}

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function checkEndpoint({ host, port }: DatabaseEndpoint): void {
  const hostOk =
    typeof host === 'string' &&
    host.length > 0 &&
    host.length <= 253 &&
    (isIP(host) !== 0 || host.split('.').every((label) => HOST_LABEL.test(label)));
  if (!hostOk) throw new DatabaseCommandError('host', 'must be a host name (lower-case DNS labels) or an IP address');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DatabaseCommandError('port', 'must be an integer from 1 to 65535');
}

/**
 * `scheme://user:password@host:port/name` with user, password and name percent-encoded, so any text
 * in them comes back unchanged from a URL parser. The allowlists keep what Zpanel stores to characters
 * that need no encoding; this stays right if they ever widen.
 */
export function formatConnectionUrl(
  scheme: 'postgresql' | 'mysql' | 'redis',
  endpoint: DatabaseEndpoint,
  parts: { userName: string; password: string; databaseName: string },
): string {
  checkEndpoint(endpoint);
  const host = isIP(endpoint.host) === 6 ? `[${endpoint.host}]` : endpoint.host;
  const encode = (field: string, value: string): string => {
    try {
      return encodeURIComponent(value);
    } catch {
      // A lone UTF-16 surrogate has no UTF-8 spelling.
      throw new DatabaseCommandError(field, 'must be valid Unicode text');
    }
  };
  const user = encode('userName', parts.userName);
  const password = encode('password', parts.password);
  return `${scheme}://${user}:${password}@${host}:${endpoint.port}/${encode('databaseName', parts.databaseName)}`;
}

const SCHEMES = { postgresql: 'postgresql', mysql: 'mysql', mariadb: 'mysql', redis: 'redis' } as const;

/** A database's connection URL. MariaDB uses `mysql://`, which its drivers accept; Redis names its ACL user `default` and database index 0. */
export function connectionUrl(engine: DatabaseEngine, endpoint: DatabaseEndpoint, credentials: ConnectionCredentials): string {
  checkConnectionCredentials(engine, credentials);
  return formatConnectionUrl(SCHEMES[engine], endpoint, credentials);
}

/** The values behind `${{ <database>.<VARIABLE> }}` in an application's variables. */
export function connectionVariables(
  engine: DatabaseEngine,
  endpoint: DatabaseEndpoint,
  credentials: ConnectionCredentials,
): Record<DatabaseReferenceVariable, string> {
  return {
    DATABASE_URL: connectionUrl(engine, endpoint, credentials),
    HOST: endpoint.host,
    PORT: String(endpoint.port),
    USER: credentials.userName,
    PASSWORD: credentials.password,
    NAME: credentials.databaseName,
  };
}
