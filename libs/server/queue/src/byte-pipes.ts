import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisKeyspace } from './redis-keyspace';

/** Frames carry at most this much: small enough for Redis, large enough that the per-frame round trip does not matter. */
export const BYTE_PIPE_FRAME_BYTES = 256 * 1024;

export interface BytePipeOptions {
  signal?: AbortSignal;
  /** Frames waiting in Redis before the writer waits for the reader: the memory a pipe holds (16 × 256 KiB = 4 MiB). */
  windowFrames?: number;
  /** The other side made no progress for this long: it is gone (its process died, or it lost Redis). */
  stallMs?: number;
}

const DATA = 0x64; // 'd'
const END = 0x65; // 'e'
const ERROR = 0x78; // 'x'
const DEFAULTS = { windowFrames: 16, stallMs: 30_000 };
/** Keys outlive a stall by this much, so a pipe both sides abandoned goes by itself. */
const KEY_TTL_SECONDS = 120;
const POLL_MS = 10;

/** The other side of a pipe ended it with an error, stopped reading, or went silent. */
export class BytePipeError extends Error {
  constructor(
    message: string,
    readonly kind: 'remote-error' | 'closed' | 'stalled' | 'aborted',
  ) {
    super(message);
    this.name = 'BytePipeError';
  }
}

/**
 * A byte stream between two processes that share only Redis (the API and a worker, possibly on
 * other machines): the writer appends frames to a list, the reader pops them, and the writer waits
 * while `windowFrames` are unread, so memory stays bounded whatever the stream's size and whichever
 * side is slower. An end frame ends it; an error frame carries the writer's failure to the reader; a
 * reader that stops early marks the pipe closed, which the writer sees. Either side gives up after
 * `stallMs` without progress from the other. Used for uploads and downloads of backups
 * (docs/backups.md, "Routes"): the API never reaches a server or a bucket itself.
 */
@Injectable()
export class BytePipes extends RedisKeyspace {
  protected readonly namespace = 'pipe';

  private closedKey(id: string): string {
    return `${this.key(id)}:closed`;
  }

  /**
   * Writes `source` into the pipe, then its end, and resolves once the reader took it all; a failure
   * of `source` is sent on as an error frame and rethrown.
   */
  async write(id: string, source: AsyncIterable<Buffer | string>, options: BytePipeOptions = {}): Promise<number> {
    const { windowFrames, stallMs } = { ...DEFAULTS, ...options };
    const key = this.key(id);
    let bytes = 0;
    try {
      for await (const chunk of source) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        for (let at = 0; at < buffer.length; at += BYTE_PIPE_FRAME_BYTES) {
          const frame = buffer.subarray(at, at + BYTE_PIPE_FRAME_BYTES);
          await this.push(key, Buffer.concat([Buffer.from([DATA]), frame]));
          bytes += frame.length;
          await this.waitForRoom(id, windowFrames, stallMs, options.signal);
        }
      }
    } catch (error) {
      if (error instanceof BytePipeError && error.kind === 'closed') {
        // A frame pushed between the reader's last look and its close recreated the key: nobody reads it now.
        await this.redis.del(key).catch(() => undefined);
      } else {
        const message = error instanceof Error ? error.message : String(error);
        await this.push(key, Buffer.concat([Buffer.from([ERROR]), Buffer.from(message.slice(0, 1_000))])).catch(() => undefined);
      }
      throw error;
    }
    await this.push(key, Buffer.from([END]));
    // Done only once the reader took everything, the end too: a reader that never came is a stall, not a success.
    await this.waitForRoom(id, 1, stallMs, options.signal, true);
    return bytes;
  }

  /** Ends the pipe with an error the reader sees as a `BytePipeError` carrying `message` (the writer's side failed before or while writing). */
  async fail(id: string, message: string): Promise<void> {
    await this.push(this.key(id), Buffer.concat([Buffer.from([ERROR]), Buffer.from(message.slice(0, 1_000))]));
  }

  /**
   * The pipe's bytes in order, ending when the writer ends it; throws a `BytePipeError` when the
   * writer failed or went silent. Leaving the loop early (break, a throw, the signal) marks the pipe
   * closed, so the writer stops too. Blocking pops use a connection of their own.
   */
  async *read(id: string, options: BytePipeOptions = {}): AsyncGenerator<Buffer> {
    const { stallMs } = { ...DEFAULTS, ...options };
    const key = this.key(id);
    const blocking = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: 1 });
    blocking.on('error', () => undefined);
    let ended = false;
    try {
      let lastFrameAt = Date.now();
      for (;;) {
        if (options.signal?.aborted) throw new BytePipeError('the transfer was stopped', 'aborted');
        const popped = await blocking.blpopBuffer(key, 1);
        if (!popped) {
          if (Date.now() - lastFrameAt > stallMs)
            throw new BytePipeError(`no data for ${Math.round(stallMs / 1000)} s: the sending side is gone`, 'stalled');
          continue;
        }
        lastFrameAt = Date.now();
        const frame = popped[1];
        if (frame[0] === END) {
          ended = true;
          return;
        }
        if (frame[0] === ERROR) {
          ended = true;
          throw new BytePipeError(frame.subarray(1).toString('utf8'), 'remote-error');
        }
        yield frame.subarray(1);
      }
    } finally {
      if (!ended) await this.redis.set(this.closedKey(id), '1', 'EX', KEY_TTL_SECONDS).catch(() => undefined);
      await this.redis.del(key).catch(() => undefined);
      blocking.disconnect();
    }
  }

  private async push(key: string, frame: Buffer): Promise<void> {
    await this.redis.multi().rpush(key, frame).expire(key, KEY_TTL_SECONDS).exec();
  }

  /** Waits while the reader is `windowFrames` behind; fails when it closed the pipe or made no progress for `stallMs`. */
  private async waitForRoom(id: string, windowFrames: number, stallMs: number, signal?: AbortSignal, ended = false): Promise<void> {
    let waiting = await this.redis.llen(this.key(id));
    let progressAt = Date.now();
    while (waiting >= windowFrames) {
      if (signal?.aborted) throw new BytePipeError('the transfer was stopped', 'aborted');
      if (await this.redis.exists(this.closedKey(id))) throw new BytePipeError('the receiving side stopped reading', 'closed');
      if (Date.now() - progressAt > stallMs)
        throw new BytePipeError(`nothing read for ${Math.round(stallMs / 1000)} s: the receiving side is gone`, 'stalled');
      await sleep(POLL_MS);
      const now = await this.redis.llen(this.key(id));
      if (now < waiting) progressAt = Date.now();
      waiting = now;
    }
    if (!ended && (await this.redis.exists(this.closedKey(id)))) throw new BytePipeError('the receiving side stopped reading', 'closed');
  }
}
