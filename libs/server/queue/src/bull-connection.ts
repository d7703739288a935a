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

/**
 * Entries kept in each queue's BullMQ event stream (BullMQ's default is 10,000 per queue, a few MB
 * each that never shrink). Readers (QueueEvents for enqueueAndWait) follow it live, so a short
 * stream loses nothing they wait for.
 */
export const QUEUE_EVENTS_MAX_LEN = 1_000;
