import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { LiveEventMap, LiveKind, LiveTopic } from '@zpanel/contracts';
import { type AppConfig, InjectConfig } from '@zpanel/core';
import type Redis from 'ioredis';
import { compareEntryIds, type LiveEntry, LiveStreams, liveKey } from './live-streams';
import { createRedisClient } from './redis.module';

type Listener = (entry: LiveEntry) => void;

const REPLAY_PAGE = 1_000;
const CONNECT_WAIT_MS = 3_000;

/**
 * The reading half of live events, used by the API's gateway. One subscriber connection per process
 * carries every topic any of its clients follows. A follow with `after` first subscribes to the
 * channel, then replays the stream after that id, then delivers what arrived meanwhile, skipping
 * ids already delivered: nothing is lost between replay and live, nothing is sent twice.
 */
@Injectable()
export class LiveSubscriber implements OnModuleDestroy {
  private connection?: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly streams: LiveStreams,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Calls `onEntry` for every entry of the topic, in order: after `after` (`'0'` = from the start)
   * or, without it, only entries appended from now on. Resolves to the function that stops it.
   */
  async follow<K extends LiveKind>(
    topic: LiveTopic<K>,
    after: string | undefined,
    onEntry: (entry: LiveEntry<LiveEventMap[K]>) => void,
  ): Promise<() => Promise<void>> {
    const channel = liveKey(this.config, topic);
    let lastId: string | undefined;
    let pending: LiveEntry[] | null = after === undefined ? null : [];
    const deliver = (entry: LiveEntry) => {
      if (lastId !== undefined && compareEntryIds(entry.id, lastId) <= 0) return;
      lastId = entry.id;
      onEntry(entry as LiveEntry<LiveEventMap[K]>);
    };
    const listener: Listener = (entry) => (pending ? pending.push(entry) : deliver(entry));

    await this.addListener(channel, listener);
    const stop = () => this.removeListener(channel, listener);
    if (after !== undefined) {
      try {
        let cursor = after;
        for (;;) {
          const page = await this.streams.range(topic, cursor, REPLAY_PAGE);
          page.forEach(deliver);
          if (page.length < REPLAY_PAGE) break;
          cursor = page[page.length - 1].id;
        }
      } catch (error) {
        await stop();
        throw error;
      }
      const arrived = pending ?? [];
      pending = null;
      arrived.forEach(deliver);
    }
    return stop;
  }

  /** Topics with at least one listener in this process (for tests and diagnostics). */
  activeTopics(): number {
    return this.listeners.size;
  }

  private async addListener(channel: string, listener: Listener): Promise<void> {
    const existing = this.listeners.get(channel);
    if (existing) {
      existing.add(listener);
      return;
    }
    const set = new Set([listener]);
    this.listeners.set(channel, set);
    try {
      await (await this.subscriber()).subscribe(channel);
    } catch (error) {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) this.listeners.delete(channel);
      throw error;
    }
  }

  private async removeListener(channel: string, listener: Listener): Promise<void> {
    const set = this.listeners.get(channel);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(channel);
    // A failed unsubscribe only costs messages nobody listens to; the next reconnect drops it.
    await this.connection?.unsubscribe(channel).catch(() => undefined);
  }

  /** The shared subscriber connection, waiting (briefly) for it to be ready: commands fail fast while it is not. */
  private async subscriber(): Promise<Redis> {
    const connection = this.connect();
    if (connection.status === 'ready') return connection;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.off('ready', onReady);
        reject(new Error('Redis is not reachable for live events'));
      }, CONNECT_WAIT_MS);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      connection.once('ready', onReady);
    });
    return connection;
  }

  private connect(): Redis {
    if (!this.connection) {
      const connection = createRedisClient(this.config, 'zpanel-live');
      connection.on('error', () => undefined);
      connection.on('message', (channel: string, message: string) => {
        const set = this.listeners.get(channel);
        if (!set) return;
        let entry: LiveEntry;
        try {
          entry = JSON.parse(message) as LiveEntry;
        } catch {
          return;
        }
        for (const listener of [...set]) listener(entry);
      });
      this.connection = connection;
    }
    return this.connection;
  }

  onModuleDestroy(): void {
    this.connection?.disconnect();
    this.listeners.clear();
  }
}
