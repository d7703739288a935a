import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** The one description of Zpanel's database; the API, the worker, the CLI and tests all use it. */
export function buildDataSourceOptions(url: string, applicationName = 'zpanel'): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    applicationName,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // Schema changes go through reviewed migrations only.
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: 10,
      connectionTimeoutMillis: 5_000,
      // Fail a stuck query instead of holding a pool slot forever.
      statement_timeout: 30_000,
    },
  };
}
