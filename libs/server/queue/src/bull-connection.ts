import type { AppConfig } from '@zpanel/core';
import type { QueueBaseOptions } from 'bullmq';

/** BullMQ connection shared by producers and consumers, with the instance's key prefix. */
export function bullConnection(config: AppConfig): QueueBaseOptions & { prefix: string } {
  return {
    connection: {
      url: config.redis.url,
      // BullMQ's blocking connections require this; ioredis then retries until Redis is back.
      maxRetriesPerRequest: null,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    },
    prefix: config.redis.prefix,
  };
}
