import Redis from 'ioredis';
import { Client } from 'pg';
import { databaseNameOf } from '@zpanel/database';
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
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}
