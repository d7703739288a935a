import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { WorkerInfo } from '@zpanel/contracts';
import { InjectLogger, ZPANEL_VERSION } from '@zpanel/core';
import { InjectRedis, WORKER_HEARTBEAT_INTERVAL_MS, WORKER_ID, WorkerRegistry } from '@zpanel/queue';
import type Redis from 'ioredis';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { JobDispatcher } from './job-dispatcher';

/** Keeps this worker listed in Redis while it runs, so the API can tell a dead worker from an idle one. */
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly registry: WorkerRegistry,
    private readonly dispatcher: JobDispatcher,
    @Inject(WORKER_ID) private readonly workerId: string,
    @InjectLogger() private readonly logger: Logger,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  info(): WorkerInfo {
    return {
      id: this.workerId,
      hostname: hostname(),
      pid: process.pid,
      version: ZPANEL_VERSION,
      startedAt: this.startedAt,
      lastSeenAt: new Date().toISOString(),
      queues: this.dispatcher.queues,
    };
  }

  async beat(): Promise<void> {
    try {
      await this.registry.announce(this.info());
    } catch (error) {
      // Redis is down; the queue connection reports it too. The next beat retries.
      this.logger.debug({ err: error }, 'heartbeat not written');
    }
  }

  private readonly beatNow = () => void this.beat();

  onApplicationBootstrap(): void {
    // The client refuses commands until connected (no offline queue): announce as soon as it is
    // ready, and again after every reconnect, instead of staying unlisted until the next tick.
    if (this.redis.status === 'ready') this.beatNow();
    this.redis.on('ready', this.beatNow);
    this.timer = setInterval(() => void this.beat(), WORKER_HEARTBEAT_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.redis.off('ready', this.beatNow);
    await this.registry.withdraw(this.workerId).catch(() => undefined);
  }
}
