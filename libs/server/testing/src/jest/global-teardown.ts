import { Client } from 'pg';
import { databaseNameOf } from '@zpanel/database';
import { deleteRedisKeys } from '../bench';
import { TEST_VARS } from '../test-env';

/** Removes what the run created: its database and every Redis key under its prefix. */
export default async function globalTeardown(): Promise<void> {
  const databaseUrl = process.env[TEST_VARS.databaseUrl];
  const adminUrl = process.env[TEST_VARS.adminDatabaseUrl];
  const database = databaseUrl ? databaseNameOf(databaseUrl) : undefined;
  if (adminUrl && database?.startsWith('zpanel_test_')) {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }

  const prefix = process.env[TEST_VARS.redisPrefix];
  const redisUrl = process.env[TEST_VARS.redisUrl];
  if (prefix?.startsWith('zptest-') && redisUrl) {
    await deleteRedisKeys(prefix, redisUrl);
  }
}
