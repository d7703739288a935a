import { randomUUID } from 'node:crypto';
import { LiveTopics } from '@zpanel/contracts';
import { createLogger, loadConfig } from '@zpanel/core';
import { LiveStreams, createRedisClient, liveKey } from '@zpanel/queue';
import { waitFor } from '@zpanel/testing';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { DeploymentEvents } from './deployment-events';

/** What a deployment leaves in Redis: its live stream, which must not outlive the deployment by long. */
describe('deployment live stream lifetime', () => {
  const config = loadConfig(process.env);
  let redis: Redis;
  let events: DeploymentEvents;

  beforeAll(async () => {
    redis = createRedisClient(config, 'deployment-events-test');
    await waitFor(async () => ((await redis.ping().catch(() => undefined)) === 'PONG' ? true : undefined), 5_000, 'redis');
    // Publishing touches Redis only; storing lines (Postgres) is not exercised here.
    events = new DeploymentEvents({} as DataSource, new LiveStreams(redis, config), config, createLogger({ level: 'silent', name: 'test' }));
  });
  afterAll(() => redis.disconnect());

  it('lives past the timeout while the deployment runs, and only minutes once it finished', async () => {
    const id = randomUUID();
    const key = liveKey(config, LiveTopics.deploymentLogs(id));
    await events.status(id, 'running', 'build', null);
    await events.publish(id, { type: 'lines', lines: [{ seq: 1, ts: new Date().toISOString(), stream: 'stdout', line: 'step 1/3' }] });
    expect(await redis.ttl(key)).toBeGreaterThan(config.deployments.timeoutMs / 1000);

    await events.status(id, 'success', 'done', null);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5 * 60);
    await redis.del(key);
  });
});
