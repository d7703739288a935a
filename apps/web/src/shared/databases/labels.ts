import { type DatabaseEngine, type DatabaseReferenceVariable, type DatabaseStatus } from '@zpanel/contracts';
import type { Tone } from '../../components/status-badge';

export const ENGINE_LABELS: Record<DatabaseEngine, string> = {
  postgresql: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  redis: 'Redis',
};

export const DATABASE_STATUS_LABELS: Record<DatabaseStatus, string> = {
  creating: 'Creating…',
  running: 'Running',
  stopped: 'Stopped',
  unhealthy: 'Unhealthy',
  failed: 'Failed',
  deleting: 'Deleting…',
};

export const DATABASE_STATUS_TONES: Record<DatabaseStatus, Tone> = {
  creating: 'warn',
  running: 'ok',
  stopped: 'neutral',
  unhealthy: 'down',
  failed: 'down',
  deleting: 'warn',
};

/** What each reference gives an application, for the variable picker. */
export const REFERENCE_VARIABLE_HINTS: Record<DatabaseReferenceVariable, string> = {
  DATABASE_URL: 'the whole connection URL, password included',
  HOST: 'the host name on the server’s Zpanel network',
  PORT: 'the engine’s port on that network',
  USER: 'the user name',
  PASSWORD: 'the password',
  NAME: 'the database name',
};

/** The value an application's variable holds to reference a database of its environment. */
export function databaseReference(databaseName: string, variable: DatabaseReferenceVariable): string {
  return `\${{ ${databaseName}.${variable} }}`;
}

/** The key an application usually gives a reference: `DATABASE_URL`, `DATABASE_HOST`…, `REDIS_URL` for Redis. */
export function suggestedReferenceKey(engine: DatabaseEngine, variable: DatabaseReferenceVariable): string {
  const prefix = engine === 'redis' ? 'REDIS' : 'DATABASE';
  return variable === 'DATABASE_URL' ? `${prefix}_URL` : `${prefix}_${variable}`;
}
