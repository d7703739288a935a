import { loadConfig } from '@zpanel/core';
import { createRedisClient } from '@zpanel/queue';
import { waitFor } from '@zpanel/testing';
import type Redis from 'ioredis';
import pino from 'pino';
import { type AccessChange, AccessChanges } from './access-changes';

/** Two API processes, played by two instances sharing one Redis. */
describe(AccessChanges.name, () => {
  const config = loadConfig(process.env);
  const logger = pino({ level: 'silent' });
  let redis: Redis;
  let first: AccessChanges;
  let second: AccessChanges;

  beforeAll(async () => {
    redis = createRedisClient(config, 'access-changes-test');
    await waitFor(async () => ((await redis.ping().catch(() => undefined)) === 'PONG' ? true : undefined), 5_000, 'redis');
    first = new AccessChanges(redis, config, logger);
    second = new AccessChanges(redis, config, logger);
  });
  afterAll(() => {
    first.onModuleDestroy();
    second.onModuleDestroy();
    redis.disconnect();
  });

  it('tells the publishing process at once and the other process through Redis, each exactly once', async () => {
    const seenFirst: string[] = [];
    const seenSecond: string[] = [];
    // Probes (sent until the other process's subscription is up) may still arrive later: left out.
    first.onChange(({ userId }) => userId !== 'probe' && seenFirst.push(userId));
    second.onChange(({ userId }) => userId !== 'probe' && seenSecond.push(userId));
    let probed = false;
    second.onChange(({ userId }) => (probed ||= userId === 'probe'));
    await waitFor(
      async () => {
        await first.publish({ userId: 'probe' });
        return probed ? true : undefined;
      },
      5_000,
      'the subscriber connection',
    );

    await first.publish({ userId: 'user-1' });
    expect(seenFirst).toEqual(['user-1']);
    await waitFor(async () => (seenSecond.includes('user-1') ? true : undefined), 5_000, 'the change in the other process');
    await second.publish({ userId: 'user-2' });
    expect(seenSecond).toEqual(['user-1', 'user-2']);
    await waitFor(async () => (seenFirst.includes('user-2') ? true : undefined), 5_000, 'the second change');
    // A third round trip through Redis proves no duplicate is still on its way to either.
    await first.publish({ userId: 'user-3' });
    await waitFor(async () => (seenSecond.includes('user-3') ? true : undefined), 5_000, 'the third change');
    expect(seenFirst).toEqual(['user-1', 'user-2', 'user-3']);
    expect(seenSecond).toEqual(['user-1', 'user-2', 'user-3']);
  });

  it('ignores messages on its channel that are not access changes', async () => {
    const seen: AccessChange[] = [];
    second.onChange((change) => seen.push(change));
    await redis.publish(`${config.redis.prefix}:access-changes`, 'not json');
    await redis.publish(`${config.redis.prefix}:access-changes`, JSON.stringify({ origin: 'elsewhere', userId: 42 }));
    await first.publish({ userId: 'user-4' });
    await waitFor(async () => (seen.length > 0 ? true : undefined), 5_000, 'the valid change');
    expect(seen).toEqual([{ userId: 'user-4' }]);
  });
});
