import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type AppConfig, InjectConfig, InjectLogger } from '@zpanel/core';
import { InjectRedis, createRedisClient } from '@zpanel/queue';
import type Redis from 'ioredis';
import type { Logger } from 'pino';

/** Something changed about what `userId` (or a token they created) may see: live sockets must re-check. */
export interface AccessChange {
  userId: string;
}

type Listener = (change: AccessChange) => void;

/**
 * Tells every API process that a user's credentials or memberships changed (a token revoked, a
 * session ended, a role changed, a member removed), so their live sockets re-check at once instead
 * of keeping what they were allowed at connect. The publishing process is told directly; the others
 * through Redis pub/sub, so this works with one API process or several.
 */
@Injectable()
export class AccessChanges implements OnModuleDestroy {
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly listeners = new Set<Listener>();
  private connection?: Redis;
  private readonly logger: Logger;

  constructor(
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.channel = `${config.redis.prefix}:access-changes`;
    this.logger = logger.child({ component: 'access-changes' });
  }

  /** Call after the change is committed: listeners re-read the database. */
  async publish(change: AccessChange): Promise<void> {
    this.deliver(change);
    await this.redis.publish(this.channel, JSON.stringify({ origin: this.origin, ...change })).catch((error: unknown) => {
      // Other processes then keep stale subscriptions until their next subscribe or expiry; this one is done.
      this.logger.warn({ err: error }, 'access change not published to other API processes');
    });
  }

  onChange(listener: Listener): void {
    this.listeners.add(listener);
    this.subscribe();
  }

  private deliver(change: AccessChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private subscribe(): void {
    if (this.connection) return;
    const connection = createRedisClient(this.config, 'zpanel-access-changes');
    connection.on('error', () => undefined);
    // The client refuses commands while not connected, so (re)subscribe whenever it is ready.
    connection.on('ready', () => void connection.subscribe(this.channel).catch(() => undefined));
    connection.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      let parsed: { origin?: string; userId?: unknown };
      try {
        parsed = JSON.parse(message) as typeof parsed;
      } catch {
        return;
      }
      if (parsed.origin === this.origin || typeof parsed.userId !== 'string') return;
      this.deliver({ userId: parsed.userId });
    });
    this.connection = connection;
  }

  onModuleDestroy(): void {
    this.connection?.disconnect();
    this.listeners.clear();
  }
}
