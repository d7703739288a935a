import { type Hash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK = 1024 * 1024;

/**
 * `size` random bytes in 1 MiB chunks, made as the reader asks (never whole in memory): `hash`
 * sees every chunk, `onChunk` the count made so far (to stop a server or abort mid-stream).
 */
export function randomStream(size: number, options: { onChunk?: (made: number) => void; hash?: Hash } = {}): Readable {
  let made = 0;
  return new Readable({
    read() {
      if (made >= size) return void this.push(null);
      const chunk = randomBytes(Math.min(CHUNK, size - made));
      made += chunk.length;
      options.hash?.update(chunk);
      options.onChunk?.(made);
      this.push(chunk);
    },
  });
}

/** The error `promise` rejects with, checked to be an instance of `type` (fails the test when it resolves). */
export async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof type))
    throw new Error(`expected a rejection with ${type.name}, got ${error === undefined ? 'a resolution' : String(error)}`);
  return error;
}
