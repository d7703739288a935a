import { randomUUID } from 'node:crypto';
import { loadConfig } from '@zpanel/core';
import { waitFor } from '@zpanel/testing';
import type Redis from 'ioredis';
import { LIVE_LEASE_TTL_SECONDS, LiveLeases } from './live-leases';
import { createRedisClient } from './redis.module';

describe(LiveLeases.name, () => {
  const config = loadConfig(process.env);
  let redis: Redis;
  let leases: LiveLeases;

  beforeAll(async () => {
    redis = createRedisClient(config, 'leases-test');
    await waitFor(async () => ((await redis.ping().catch(() => undefined)) === 'PONG' ? true : undefined), 5_000, 'redis');
    leases = new LiveLeases(redis, config);
  });
  afterAll(() => redis.disconnect());

  it('holds a lease under the instance prefix with a TTL, and releases it', async () => {
    const id = randomUUID();
    expect(await leases.isHeld(id)).toBe(false);
    const release = await leases.hold(id);
    expect(await leases.isHeld(id)).toBe(true);
    expect(leases.key(id)).toBe(`${config.redis.prefix}:live-lease:${id}`);
    const ttl = await redis.ttl(leases.key(id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(LIVE_LEASE_TTL_SECONDS);
    await release();
    expect(await leases.isHeld(id)).toBe(false);
  });

  it('keeps a held lease alive past its TTL by refreshing it, and lets it lapse once released', async () => {
    const id = randomUUID();
    const release = await leases.hold(id, 300, 1);
    await new Promise((r) => setTimeout(r, 2_200));
    expect(await leases.isHeld(id)).toBe(true);
    await release();
    expect(await leases.isHeld(id)).toBe(false);
  });

  it('lapses when its holder stops refreshing (an API process that died)', async () => {
    const id = randomUUID();
    await redis.set(leases.key(id), '1', 'EX', 1);
    await waitFor(async () => ((await leases.isHeld(id)) ? undefined : true), 5_000, 'the lease to lapse');
  });
});
