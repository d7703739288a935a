import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@zpanel/core';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
export const InjectRedis = (): PropertyDecorator & ParameterDecorator => Inject(REDIS_CLIENT);

/**
 * Zpanel's own short-request Redis client (health checks, heartbeats). Commands fail at once
 * while Redis is down instead of piling up in ioredis's offline queue, and the client keeps
 * reconnecting (at most 1 s apart) so it recovers by itself when Redis is back.
 */
export function createRedisClient(config: AppConfig, connectionName: string): Redis {
  return new Redis(config.redis.url, {
    connectionName,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 1_000),
  });
}

class RedisClientCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const client = createRedisClient(config, 'zpanel');
        // Connection errors are reported by readiness checks; without a listener ioredis logs each retry.
        client.on('error', () => undefined);
        return client;
      },
    },
    RedisClientCloser,
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}
