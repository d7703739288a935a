import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { type SignedIn, createOwner, signIn } from './api-session';
import { type OwnerCall, ownerCaller } from './deploy-fixture';
import type { Stack } from './stack';
import { readTestEnvFile } from './test-env';

/**
 * For a bench (run by node, not Jest): sets what the Jest global setup gives a test run, from the test
 * env file and the environment: a run id, the admin database, a Redis prefix of the run's own, a key.
 */
export function setUpBenchEnvironment(kind = 'bench'): void {
  for (const [key, value] of Object.entries(readTestEnvFile())) process.env[key] ??= value;
  const runId = `${kind}${randomBytes(3).toString('hex')}`;
  if (!process.env.TEST_DATABASE_ADMIN_URL) throw new Error('TEST_DATABASE_ADMIN_URL is not set: run through npm run bench');
  Object.assign(process.env, {
    ZP_TEST_RUN_ID: runId,
    DATABASE_URL: process.env.TEST_DATABASE_ADMIN_URL,
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `zpbench-${runId}`,
    ZPANEL_SECRET_KEY: randomBytes(32).toString('base64'),
  });
}

/** Deletes every Redis key whose name starts with `prefix` (a test or bench run's own). */
export async function deleteRedisKeys(prefix: string, redisUrl = process.env.REDIS_URL as string): Promise<void> {
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

/**
 * Creates the owner of a fresh stack; `asOwner` calls as them and signs in again every 10 minutes, as
 * access tokens last 15 and a bench may run longer. `owner` is kept current.
 */
export async function lastingOwner(stack: Stack): Promise<{ owner: SignedIn; asOwner: OwnerCall }> {
  const owner = await createOwner(stack.baseUrl);
  let session = Date.now();
  const current = () => {
    if (Date.now() - session > 10 * 60_000) {
      session = Date.now();
      void signIn(stack.baseUrl, owner.credentials).then((fresh) => Object.assign(owner, fresh));
    }
    return owner;
  };
  return { owner, asOwner: ownerCaller(() => stack, current) };
}
