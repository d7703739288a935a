import { type AppConfig, InjectConfig } from '@zpanel/core';
import type Redis from 'ioredis';
import { InjectRedis } from './redis.module';

/**
 * A service that keeps its state in Redis under `<REDIS_PREFIX>:<namespace>:<id>`, so instances
 * (and test runs) sharing one Redis server never see each other's keys.
 */
export abstract class RedisKeyspace {
  protected abstract readonly namespace: string;

  constructor(
    @InjectRedis() protected readonly redis: Redis,
    @InjectConfig() protected readonly config: AppConfig,
  ) {}

  /** The Redis key of `id`. */
  key(id: string): string {
    return `${this.config.redis.prefix}:${this.namespace}:${id}`;
  }
}
