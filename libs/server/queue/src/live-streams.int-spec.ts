import { randomUUID } from 'node:crypto';
import { LiveTopics } from '@zpanel/contracts';
import { type AppConfig, loadConfig } from '@zpanel/core';
import { waitFor } from '@zpanel/testing';
import type Redis from 'ioredis';
import { compareEntryIds, type LiveEntry, LiveStreams, liveKey } from './live-streams';
import { LiveSubscriber } from './live-subscriber';
import { createRedisClient } from './redis.module';

describe('live streams over real Redis', () => {
  let config: AppConfig;
  let redis: Redis;
  let streams: LiveStreams;
  let subscriber: LiveSubscriber;

  beforeAll(async () => {
    config = loadConfig(process.env);
    redis = createRedisClient(config, 'live-test');
    await waitFor(async () => ((await redis.ping().catch(() => undefined)) === 'PONG' ? true : undefined), 5_000, 'redis');
    streams = new LiveStreams(redis, config);
    subscriber = new LiveSubscriber(streams, config);
  });
  afterAll(() => {
    subscriber.onModuleDestroy();
    redis.disconnect();
  });

  const topic = () => LiveTopics.commandRun(randomUUID());
  const output = (data: string) => ({ type: 'output' as const, stream: 'stdout' as const, data });

  it('keeps appended entries for replay, under the instance prefix, expiring', async () => {
    const t = topic();
    const first = await streams.append(t, output('a'));
    await streams.append(t, output('b'), { ttlSeconds: 60 });
    expect((await streams.range(t, '0')).map((e) => e.event)).toEqual([output('a'), output('b')]);
    expect((await streams.range(t, first)).map((e) => e.event)).toEqual([output('b')]);
    const key = liveKey(config, t);
    expect(key.startsWith(`${config.redis.prefix}:live:`)).toBe(true);
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(60);
  });

  it('trims a stream to about maxLen entries', async () => {
    const t = topic();
    for (let i = 0; i < 300; i += 1) await streams.append(t, output(String(i)), { maxLen: 100 });
    const kept = await redis.xlen(liveKey(config, t));
    expect(kept).toBeLessThan(300);
    expect(kept).toBeGreaterThanOrEqual(100);
  });

  it('without a resume id, delivers only entries appended after following began', async () => {
    const t = topic();
    await streams.append(t, output('old'));
    const seen: string[] = [];
    const stop = await subscriber.follow(t, undefined, (e) => seen.push((e.event as { data: string }).data));
    await streams.append(t, output('new'));
    await waitFor(async () => (seen.length === 1 ? true : undefined), 5_000, 'the new entry');
    expect(seen).toEqual(['new']);
    await stop();
  });

  it('replays then goes live with no entry lost or repeated while appends race the replay', async () => {
    const t = topic();
    for (let i = 0; i < 1_500; i += 1) await streams.append(t, output(String(i)));
    const seen: LiveEntry[] = [];
    // Appends keep coming while the subscriber replays (more than one replay page) and switches to live.
    const racing = (async () => {
      for (let i = 1_500; i < 2_000; i += 1) await streams.append(t, output(String(i)));
    })();
    const stop = await subscriber.follow(t, '0', (e) => seen.push(e));
    await racing;
    await waitFor(async () => (seen.length >= 2_000 ? true : undefined), 10_000, 'all entries');
    expect(seen.map((e) => (e.event as { data: string }).data)).toEqual(Array.from({ length: 2_000 }, (_, i) => String(i)));
    for (let i = 1; i < seen.length; i += 1) expect(compareEntryIds(seen[i - 1].id, seen[i].id)).toBe(-1);
    await stop();
  });

  it('resumes after a given id', async () => {
    const t = topic();
    const ids = [];
    for (const data of ['a', 'b', 'c']) ids.push(await streams.append(t, output(data)));
    const seen: string[] = [];
    const stop = await subscriber.follow(t, ids[0], (e) => seen.push((e.event as { data: string }).data));
    expect(seen).toEqual(['b', 'c']);
    await stop();
  });

  it('shares one channel between followers of a topic and drops it when the last one stops', async () => {
    const t = topic();
    const before = subscriber.activeTopics();
    const a: string[] = [];
    const b: string[] = [];
    const stopA = await subscriber.follow(t, undefined, (e) => a.push(e.id));
    const stopB = await subscriber.follow(t, undefined, (e) => b.push(e.id));
    expect(subscriber.activeTopics()).toBe(before + 1);
    await streams.append(t, output('x'));
    await waitFor(async () => (a.length === 1 && b.length === 1 ? true : undefined), 5_000, 'both followers');
    await stopA();
    await streams.append(t, output('y'));
    await waitFor(async () => (b.length === 2 ? true : undefined), 5_000, 'the remaining follower');
    expect(a).toHaveLength(1);
    await stopB();
    expect(subscriber.activeTopics()).toBe(before);
  });

  it('orders entry ids numerically, not as text', () => {
    expect(compareEntryIds('999-0', '1000-0')).toBe(-1);
    expect(compareEntryIds('1000-10', '1000-9')).toBe(1);
    expect(compareEntryIds('1000-1', '1000-1')).toBe(0);
  });
});
