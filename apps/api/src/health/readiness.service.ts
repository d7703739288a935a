import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ComponentCheck, ComponentName, ReadinessResponse } from '@zpanel/contracts';
import { InjectRedis } from '@zpanel/queue';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Error text safe to show: drivers sometimes put the connection string in their messages. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s]+/gi, '[url]').slice(0, 200);
}

/**
 * Checks each dependency with a short timeout on every call: no cached state, so a component
 * that comes back is reported up on the next request, without restarting anything.
 */
@Injectable()
export class ReadinessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  async check(): Promise<ReadinessResponse> {
    const [postgres, redis] = await Promise.all([
      // A ping of the connection, not data access: there is no repository to go through.
      // eslint-disable-next-line no-restricted-syntax
      this.measure(() => this.dataSource.query('SELECT 1')),
      this.measure(async () => {
        // Without an offline queue a disconnected client fails with a driver message; say it plainly.
        if (this.redis.status !== 'ready') throw new Error(`not connected (${this.redis.status})`);
        await this.redis.ping();
      }),
    ]);
    const checks: Record<ComponentName, ComponentCheck> = { postgres, redis };
    const failing = (Object.keys(checks) as ComponentName[]).filter((name) => checks[name].status === 'down');
    return { status: failing.length === 0 ? 'ready' : 'unavailable', failing, checks };
  }

  private async measure(probe: () => Promise<unknown>): Promise<ComponentCheck> {
    const started = performance.now();
    try {
      await withTimeout(probe(), CHECK_TIMEOUT_MS);
      return { status: 'up', latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { status: 'down', latencyMs: Math.round(performance.now() - started), error: describe(error) };
    }
  }
}
