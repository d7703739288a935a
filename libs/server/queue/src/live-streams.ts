import { Injectable } from '@nestjs/common';
import type { LiveEventMap, LiveKind, LiveTopic } from '@zpanel/contracts';
import { type AppConfig, InjectConfig } from '@zpanel/core';
import type Redis from 'ioredis';
import { InjectRedis } from './redis.module';

export interface LiveEntry<E = unknown> {
  id: string;
  event: E;
}

export interface AppendOptions {
  /** Entries kept for replay (approximate trim, so appends stay O(1)). */
  maxLen?: number;
  /** The stream disappears this long after its last append. */
  ttlSeconds?: number;
}

const DEFAULT_MAX_LEN = 10_000;
const DEFAULT_TTL_SECONDS = 3_600;
const FIELD = 'e';

/** Stream entry ids are `<ms>-<seq>`; compares them without losing precision. */
export function compareEntryIds(a: string, b: string): number {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

/** Redis keys and channels of live topics, below the instance's prefix (tests run under their own). */
export function liveKey(config: AppConfig, topic: LiveTopic): string {
  return `${config.redis.prefix}:live:${topic.key}`;
}

/**
 * The writing half of live events, used by the worker: each event is appended to the topic's
 * Redis stream (kept for replay, trimmed, expiring) and published on a channel of the same name
 * with its entry id, so subscribers get it at once and can tell replayed entries from new ones.
 */
@Injectable()
export class LiveStreams {
  constructor(
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async append<K extends LiveKind>(topic: LiveTopic<K>, event: LiveEventMap[K], options: AppendOptions = {}): Promise<string> {
    const key = liveKey(this.config, topic);
    const body = JSON.stringify(event);
    const results = await this.redis
      .multi()
      .xadd(key, 'MAXLEN', '~', String(options.maxLen ?? DEFAULT_MAX_LEN), '*', FIELD, body)
      .expire(key, options.ttlSeconds ?? DEFAULT_TTL_SECONDS)
      .exec();
    const [error, id] = results?.[0] ?? [new Error('Redis transaction aborted'), null];
    if (error) throw error;
    const entry: LiveEntry = { id: id as string, event };
    await this.redis.publish(key, JSON.stringify(entry));
    return entry.id;
  }

  /** Entries after `afterId` (exclusive), oldest first; `'0'` reads from the start. */
  async range<K extends LiveKind>(topic: LiveTopic<K>, afterId: string, count = 1_000): Promise<LiveEntry<LiveEventMap[K]>[]> {
    const start = afterId === '0' ? '-' : `(${afterId}`;
    const rows = await this.redis.xrange(liveKey(this.config, topic), start, '+', 'COUNT', count);
    return rows.map(([id, fields]) => ({ id, event: JSON.parse(fields[fields.indexOf(FIELD) + 1]) as LiveEventMap[K] }));
  }

  /** Ends a topic at once (e.g. a finished log follow); readers already subscribed keep what they got. */
  async remove(topic: LiveTopic): Promise<void> {
    await this.redis.del(liveKey(this.config, topic));
  }
}
