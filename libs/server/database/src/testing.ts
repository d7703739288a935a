// Test helpers of the database layer (its int-specs, and the harness in @zpanel/testing), apart
// from the production barrel (index.ts) so no application bundles them.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';
import { withDatabaseName } from './database-url';
import { runMigrationsWithLock } from './migrate';

/**
 * An empty database of the test's own (a stack's, which the API migrates at boot, or a test's scratch
 * database), named after the run so the run's teardown finds any that a crash left behind.
 */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_ADMIN_URL is not set: tests must run through the Jest global setup');
  const name = `zpanel_test_${process.env.ZP_TEST_RUN_ID}_${randomBytes(3).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  return { url: withDatabaseName(adminUrl, name), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * For a describe block: a scratch database migrated to the latest schema, and a DataSource on it
 * (named `name` in its connections), before the block's tests; both go after them. Read `source`
 * inside hooks and tests only.
 */
export function useMigratedDatabase(name: string): { readonly source: DataSource } {
  let database: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let source: DataSource | undefined;
  beforeAll(async () => {
    database = await createScratchDatabase();
    source = new DataSource(buildDataSourceOptions(database.url, name));
    await source.initialize();
    await runMigrationsWithLock(source);
  });
  afterAll(async () => {
    await source?.destroy();
    await database?.drop();
  });
  return {
    get source() {
      if (!source?.isInitialized) throw new Error('the database was not set up (see the beforeAll error)');
      return source;
    },
  };
}
