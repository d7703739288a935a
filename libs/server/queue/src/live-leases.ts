import { Injectable } from '@nestjs/common';
import { RedisKeyspace } from './redis-keyspace';

/** A lease not refreshed for this long is gone: the API that held it stopped or lost Redis. */
export const LIVE_LEASE_TTL_SECONDS = 30;
/** Well within the TTL, so one missed refresh does not end a live session. */
export const LIVE_LEASE_REFRESH_MS = 10_000;

/**
 * Tells a worker doing live work for a viewer (following a container's log) that the viewer is
 * still there. The API holds a lease while the subscription lasts and refreshes it; the worker
 * checks it and stops when it disappears, also when the API process died without saying so.
 */
@Injectable()
export class LiveLeases extends RedisKeyspace {
  protected readonly namespace = 'live-lease';

  /**
   * Takes the lease and keeps refreshing it until the returned function is called, which releases it.
   * A refresh that fails (Redis away) is not retried early: if the lease lapses, the work ends, which
   * is the right outcome when the holder cannot reach Redis for longer than the TTL.
   */
  async hold(id: string, refreshMs = LIVE_LEASE_REFRESH_MS, ttlSeconds = LIVE_LEASE_TTL_SECONDS): Promise<() => Promise<void>> {
    const key = this.key(id);
    await this.redis.set(key, '1', 'EX', ttlSeconds);
    const timer = setInterval(() => {
      this.redis.set(key, '1', 'EX', ttlSeconds).catch(() => undefined);
    }, refreshMs);
    timer.unref();
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      await this.redis.del(key);
    };
  }

  async isHeld(id: string): Promise<boolean> {
    return (await this.redis.exists(this.key(id))) === 1;
  }
}
