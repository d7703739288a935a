import { randomBytes } from 'node:crypto';
import { type AppConfig, SecretBox, loadConfig, zpanelDockerNames } from '@zpanel/core';
import { buildDataSourceOptions } from '@zpanel/database';
import { type JobProducer, LiveStreams, createRedisClient } from '@zpanel/queue';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { WorkerSshPool } from './servers/ssh-pool.provider';

/** The run's Postgres and Redis as a worker handler's int-spec uses them. */
export interface WorkerStores {
  dataSource: DataSource;
  /** A client that has answered a ping; its connection errors are left to the test's assertions. */
  redis: Redis;
  live: LiveStreams;
  /** Disconnects Redis and destroys the DataSource. */
  close(): Promise<void>;
}

/** Connects to the run's Postgres and Redis under `name` (in their connection lists), waiting for Redis to answer. */
export async function openWorkerStores(config: AppConfig, name: string): Promise<WorkerStores> {
  const dataSource = new DataSource(buildDataSourceOptions(config.database.url, name));
  await dataSource.initialize();
  const redis = createRedisClient(config, name);
  redis.on('error', () => undefined);
  await answered(redis, 5_000);
  return {
    dataSource,
    redis,
    live: new LiveStreams(redis, config),
    close: async () => {
      redis.disconnect();
      await dataSource.destroy();
    },
  };
}

/**
 * The run's configuration with a Docker namespace of the test's own (`zt-` and a random suffix),
 * so what the test starts carries labels no other test's clean-up matches, and its names.
 */
export function namespacedTestConfig(): { config: AppConfig; namespace: string; names: ReturnType<typeof zpanelDockerNames> } {
  const base = loadConfig(process.env);
  const namespace = `zt-${randomBytes(3).toString('hex')}`;
  const config: AppConfig = { ...base, docker: { namespace } };
  return { config, namespace, names: zpanelDockerNames(namespace) };
}

/** The real queue under the run's prefix, with only what the reapers use of the producer: the queue, and adding a job to it. */
export function queueProducer(queue: Queue): JobProducer {
  return {
    queue: () => queue,
    enqueue: async (name: string, payload: unknown, options: object) => (await queue.add(name, payload, options)).id as string,
  } as unknown as JobProducer;
}

/** Waits for Redis to answer a ping (the harness's waitFor is off limits to the runners lib's non-spec files). */
async function answered(redis: Redis, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await redis.ping().catch(() => undefined)) !== 'PONG') {
    if (Date.now() > deadline) throw new Error(`redis did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * For a describe block: `openWorkerStores` before its tests, closed after them (before the block's
 * own afterAll hooks, which run in the order they were declared). Its fields are set once the
 * block's tests start: read them inside hooks and tests only.
 */
export function useWorkerStores(config: AppConfig, name: string): Readonly<Omit<WorkerStores, 'close'>> {
  const stores = {} as Omit<WorkerStores, 'close'>;
  let close: WorkerStores['close'] | undefined;
  beforeAll(async () => {
    const { close: closeStores, ...opened } = await openWorkerStores(config, name);
    close = closeStores;
    Object.assign(stores, opened);
  });
  afterAll(() => close?.());
  return stores;
}

/** What a worker handler's int-spec against the test server works with. */
export interface WorkerHarness {
  config: AppConfig;
  /** Seals and opens as the worker does (keys, variables, output). */
  box: SecretBox;
  stores: Readonly<Omit<WorkerStores, 'close'>>;
  /** The worker's SSH pool, closed after the block's tests. */
  pool: WorkerSshPool;
}

/** For a describe block of a worker handler: `config` (the run's unless given), its box, the stores and the SSH pool. */
export function useWorkerHarness(name: string, config: AppConfig = loadConfig(process.env)): WorkerHarness {
  const stores = useWorkerStores(config, name);
  const pool = new WorkerSshPool(loadConfig(process.env));
  afterAll(() => pool.close());
  return { config, box: new SecretBox(config.security.secretKey), stores, pool };
}
