import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@zpanel/core';
import { waitFor } from '@zpanel/testing';
import type Redis from 'ioredis';
import { BYTE_PIPE_FRAME_BYTES, BytePipeError, BytePipes } from './byte-pipes';
import { createRedisClient } from './redis.module';

async function* chunks(total: number, size: number, seed: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < total; at += size) yield Buffer.concat([seed, Buffer.alloc(Math.min(size, total - at) - seed.length, at % 251)]);
}

describe(BytePipes.name, () => {
  const config = loadConfig(process.env);
  let redis: Redis;
  let pipes: BytePipes;

  beforeAll(async () => {
    redis = createRedisClient(config, 'pipes-test');
    await waitFor(async () => ((await redis.ping().catch(() => undefined)) === 'PONG' ? true : undefined), 5_000, 'redis');
    pipes = new BytePipes(redis, config);
  });
  afterAll(() => redis.disconnect());

  it('carries 24 MiB in order with at most the window waiting in Redis, then leaves no key', async () => {
    const id = randomUUID();
    const sent = createHash('sha256');
    const received = createHash('sha256');
    const seed = randomBytes(32);
    let most = 0;
    const source = async function* () {
      for await (const chunk of chunks(24 * 1024 * 1024, 300_000, seed)) {
        sent.update(chunk);
        most = Math.max(most, await redis.llen(pipes.key(id)));
        yield chunk;
      }
    };
    const writing = pipes.write(id, source(), { windowFrames: 4 });
    let bytes = 0;
    for await (const frame of pipes.read(id)) {
      expect(frame.length).toBeLessThanOrEqual(BYTE_PIPE_FRAME_BYTES);
      received.update(frame);
      bytes += frame.length;
      // A slow reader: the writer must wait for it rather than pile frames up.
      if (bytes % (4 * 1024 * 1024) < BYTE_PIPE_FRAME_BYTES) await sleep(50);
    }
    expect(await writing).toBe(24 * 1024 * 1024);
    expect(bytes).toBe(24 * 1024 * 1024);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    expect(most).toBeLessThanOrEqual(4);
    expect(await redis.exists(pipes.key(id))).toBe(0);
  });

  it('hands the writer’s failure to the reader in its words', async () => {
    const id = randomUUID();
    const source = async function* () {
      yield Buffer.from('first');
      throw new Error('the upload was cut off');
    };
    const writing = pipes.write(id, source()).catch((error: Error) => error);
    const got: string[] = [];
    const reading = (async () => {
      for await (const frame of pipes.read(id)) got.push(frame.toString());
    })();
    await expect(reading).rejects.toThrow(new BytePipeError('the upload was cut off', 'remote-error'));
    expect(((await writing) as Error).message).toBe('the upload was cut off');
    expect(got).toEqual(['first']);
  });

  it('ends with an error sent by fail, before any byte', async () => {
    const id = randomUUID();
    await pipes.fail(id, 'no such object');
    await expect(
      (async () => {
        for await (const frame of pipes.read(id)) void frame;
      })(),
    ).rejects.toThrow('no such object');
  });

  it('stops the writer when the reader leaves early', async () => {
    const id = randomUUID();
    const writing = pipes.write(id, chunks(64 * 1024 * 1024, BYTE_PIPE_FRAME_BYTES, Buffer.from('x')), { windowFrames: 2 });
    for await (const frame of pipes.read(id)) {
      void frame;
      break;
    }
    await expect(writing).rejects.toMatchObject({ kind: 'closed' });
    await waitFor(async () => ((await redis.exists(pipes.key(id))) === 0 ? true : undefined), 5_000, 'the key to go');
  });

  it('gives up on a silent writer, and on a reader that never reads', async () => {
    const reader = randomUUID();
    const quiet = new AbortController();
    const hanging = async function* () {
      yield Buffer.from('one');
      await sleep(60_000, undefined, { signal: quiet.signal });
    };
    void pipes.write(reader, hanging()).catch(() => undefined);
    await expect(
      (async () => {
        for await (const frame of pipes.read(reader, { stallMs: 1_500 })) void frame;
      })(),
    ).rejects.toMatchObject({ kind: 'stalled' });
    quiet.abort();

    const writer = randomUUID();
    await expect(
      pipes.write(writer, chunks(8 * BYTE_PIPE_FRAME_BYTES, BYTE_PIPE_FRAME_BYTES, Buffer.from('y')), { windowFrames: 2, stallMs: 1_000 }),
    ).rejects.toMatchObject({
      kind: 'stalled',
    });
    await redis.del(pipes.key(writer));

    // Even a stream that fits the window is not done until someone read it.
    const small = randomUUID();
    await expect(pipes.write(small, chunks(4, 4, Buffer.from('tiny')), { stallMs: 1_000 })).rejects.toMatchObject({ kind: 'stalled' });
    await redis.del(pipes.key(small));
  });
});
