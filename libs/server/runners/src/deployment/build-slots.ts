import { Injectable } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@zpanel/core';
import { InjectRedis } from '@zpanel/queue';
import type Redis from 'ioredis';

/** A slot not refreshed for this long belonged to a worker that died: it frees itself. */
export const BUILD_SLOT_LEASE_MS = 60_000;
const POLL_MS = 500;

// Drops expired holders, then takes (or refreshes) a slot when fewer than the limit are held.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

export interface HeldBuildSlot {
  /** Extends the lease (the deployment's heartbeat calls it). */
  refresh(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Builds running at once per server (DEPLOYMENT_BUILD_CONCURRENCY), shared by every worker: a Redis
 * sorted set of holders per server scored by lease expiry, so a dead worker's slot comes back by itself.
 */
@Injectable()
export class BuildSlots {
  constructor(
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private key(serverId: string): string {
    return `${this.config.redis.prefix}:deploy-builds:${serverId}`;
  }

  private async tryAcquire(serverId: string, holder: string): Promise<boolean> {
    const now = Date.now();
    const taken = await this.redis.eval(
      ACQUIRE,
      1,
      this.key(serverId),
      String(now),
      String(now + BUILD_SLOT_LEASE_MS),
      holder,
      String(this.config.deployments.buildConcurrencyPerServer),
      String(BUILD_SLOT_LEASE_MS * 2),
    );
    return taken === 1;
  }

  /** Waits for a slot on the server; rejects when `signal` aborts first. */
  async acquire(serverId: string, holder: string, signal: AbortSignal): Promise<HeldBuildSlot> {
    while (!(await this.tryAcquire(serverId, holder))) {
      if (signal.aborted) throw new Error('aborted while waiting for a build slot');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return {
      refresh: async () => {
        await this.redis.zadd(this.key(serverId), 'XX', Date.now() + BUILD_SLOT_LEASE_MS, holder);
      },
      release: async () => {
        await this.redis.zrem(this.key(serverId), holder);
      },
    };
  }

  /** Frees a holder's slot (the reaper, for a deployment whose worker died). */
  async release(serverId: string, holder: string): Promise<void> {
    await this.redis.zrem(this.key(serverId), holder);
  }
}
