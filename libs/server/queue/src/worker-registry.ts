import { Injectable } from '@nestjs/common';
import type { WorkerInfo } from '@zpanel/contracts';
import { RedisKeyspace } from './redis-keyspace';

/** A worker is listed while its heartbeat key lives; it refreshes the key well within this TTL. */
export const WORKER_HEARTBEAT_TTL_MS = 15_000;
export const WORKER_HEARTBEAT_INTERVAL_MS = 5_000;

/** Running workers announce themselves in Redis; the API lists them for the status page. */
@Injectable()
export class WorkerRegistry extends RedisKeyspace {
  protected readonly namespace = 'workers';

  async announce(info: WorkerInfo): Promise<void> {
    await this.redis.set(this.key(info.id), JSON.stringify(info), 'PX', WORKER_HEARTBEAT_TTL_MS);
  }

  async withdraw(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  async list(): Promise<WorkerInfo[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', this.key('*'), 'COUNT', 100);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys);
    return values
      .filter((v): v is string => v !== null)
      .map((v) => JSON.parse(v) as WorkerInfo)
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }
}

/** Injection token for this worker process's id (also its heartbeat key). */
export const WORKER_ID = Symbol('WORKER_ID');
