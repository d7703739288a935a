import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@zpanel/contracts';
import { type AppConfig, AppException, InjectConfig } from '@zpanel/core';
import { InjectRedis } from '@zpanel/queue';
import type Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimit {
  /** Counter name, e.g. `login:account:<hash>`; never raw user input (it ends up in Redis keys). */
  key: string;
  limit: number;
  windowMs: number;
}

/** Thrown as 429; the HTTP layer adds `Retry-After`. */
export class RateLimitedException extends AppException {
  constructor(readonly retryAfterSeconds: number) {
    super(ErrorCode.RateLimited, `Too many attempts: try again in ${retryAfterSeconds} s`);
  }
}

/**
 * Fixed-window counters in Redis, so limits hold across API instances. The window starts at the
 * first hit and lasts `windowMs`.
 */
@Injectable()
export class RateLimiter {
  private readonly limiters = new Map<string, RateLimiterRedis>();

  constructor(
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private redisKey(key: string): string {
    return `${this.config.redis.prefix}:ratelimit:${key}`;
  }

  private limiterFor(limit: RateLimit): RateLimiterRedis {
    const id = `${limit.limit}/${limit.windowMs}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      // Same keys as the counters below (`<prefix>:ratelimit:<key>`), so `reset` clears either.
      limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.config.redis.prefix}:ratelimit`,
        points: limit.limit,
        duration: Math.ceil(limit.windowMs / 1000),
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /**
   * Counts an attempt before it is checked, atomically in Redis: of N parallel guesses only the
   * first `limit` get through, where check-then-count let every one of them past the check.
   * Refuses with 429 past the limit; `refund` gives the point back for an attempt that succeeded.
   */
  async attempt(limit: RateLimit): Promise<void> {
    try {
      await this.limiterFor(limit).consume(limit.key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new RateLimitedException(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
      throw error;
    }
  }

  async refund(limit: RateLimit): Promise<void> {
    await this.limiterFor(limit).reward(limit.key);
  }

  /** Refuses with 429 when the counter has already reached the limit (without counting this call). */
  async assertBelow(limit: RateLimit): Promise<void> {
    const key = this.redisKey(limit.key);
    const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    if (count !== null && Number(count) >= limit.limit) throw new RateLimitedException(Math.max(1, Math.ceil(ttl / 1000)));
  }

  /** Counts one hit. */
  async hit(limit: RateLimit): Promise<number> {
    const key = this.redisKey(limit.key);
    // SET NX starts the window only on the first hit (portable to Redis 6, unlike PEXPIRE NX).
    const results = await this.redis.multi().set(key, '0', 'PX', limit.windowMs, 'NX').incr(key).exec();
    const [error, count] = results?.[1] ?? [new Error('rate limit counter not updated'), 0];
    if (error) throw error;
    return Number(count);
  }

  /** Counts one hit and refuses with 429 once it exceeds the limit. */
  async consume(limit: RateLimit): Promise<void> {
    const count = await this.hit(limit);
    if (count > limit.limit) {
      const ttl = await this.redis.pttl(this.redisKey(limit.key));
      throw new RateLimitedException(Math.max(1, Math.ceil(ttl / 1000)));
    }
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.redisKey(key));
  }
}
