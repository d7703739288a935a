import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, runMigrationsWithLock, withDatabaseName } from '@zpanel/database';
import { TEST_BACKUP_HELPER_IMAGE, TEST_OUTBOUND_ALLOWED_CIDRS, TEST_VARS, newRunId, readTestEnvFile } from '../test-env';

/**
 * Runs once per Jest project: gives the run its own database (migrated), Redis key prefix and
 * instance key. Values go into process.env, which Jest's test workers inherit.
 */
export default async function globalSetup(): Promise<void> {
  for (const [key, value] of Object.entries(readTestEnvFile())) process.env[key] ??= value;

  const runId = newRunId();
  const adminUrl = process.env[TEST_VARS.adminDatabaseUrl] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `zpanel_test_${runId}`;

  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }

  const databaseUrl = withDatabaseName(adminUrl, database);
  const dataSource = new DataSource(buildDataSourceOptions(databaseUrl, 'zpanel-test-setup'));
  await dataSource.initialize();
  try {
    await runMigrationsWithLock(dataSource);
  } finally {
    await dataSource.destroy();
  }

  process.env[TEST_VARS.runId] = runId;
  process.env[TEST_VARS.adminDatabaseUrl] = adminUrl;
  process.env[TEST_VARS.databaseUrl] = databaseUrl;
  process.env[TEST_VARS.redisUrl] ??= 'redis://127.0.0.1:6379';
  process.env[TEST_VARS.redisPrefix] = `zptest-${runId}`;
  process.env[TEST_VARS.secretKey] = randomBytes(32).toString('base64');
  // For the config that int-specs build from process.env (spawned processes get it from testProcessEnv).
  process.env.OUTBOUND_ALLOWED_CIDRS = TEST_OUTBOUND_ALLOWED_CIDRS;
  process.env.BACKUP_HELPER_IMAGE = TEST_BACKUP_HELPER_IMAGE;
}
