import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { AddressPolicy, DEFAULT_OUTBOUND_DENIED_CIDRS, DEFAULT_SERVER_DENIED_CIDRS } from '@zpanel/core';
import { DisposableS3Server, waitFor } from '@zpanel/testing';
import { sha256Of } from './digest';
import { StorageError } from './object-store';
import { S3ObjectStore, type S3Settings } from './s3-object-store';

// Tests allow loopback (OUTBOUND_ALLOWED_CIDRS, global setup), as an operator would for a LAN MinIO.
const testPolicy = new AddressPolicy({
  allowedCidrs: ['127.0.0.0/8', '::1/128'],
  outboundDeniedCidrs: [...DEFAULT_OUTBOUND_DENIED_CIDRS],
  serverDeniedCidrs: [...DEFAULT_SERVER_DENIED_CIDRS],
});
const MIB = 1024 * 1024;
const PART = 5 * MIB;

/** `size` pseudo-random bytes in 1 MiB chunks, paced by the reader (never whole in memory). */
function randomStream(size: number, onChunk?: (sent: number) => void): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const chunk = randomBytes(Math.min(MIB, size - sent));
      sent += chunk.length;
      onChunk?.(sent);
      this.push(chunk);
    },
  });
}

function hashingStream(size: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  const stream = randomStream(size);
  stream.on('data', (chunk: Buffer) => hash.update(chunk));
  let digest: string | undefined;
  return { stream, sha256: () => (digest ??= hash.digest('hex')) };
}

async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

describe('S3ObjectStore against a real S3-compatible server', () => {
  let server: DisposableS3Server;
  const stores: S3ObjectStore[] = [];
  // Each store its own prefix: what one test leaves is not in another's listing.
  const storeWith = (settings: Partial<S3Settings> = {}, policy = testPolicy) => {
    const store = new S3ObjectStore(
      { ...server.settings, prefix: `team-${stores.length + 1}/`, ...settings },
      { policy, partSizeBytes: PART, queueSize: 2, abortRetryForMs: 60_000 },
    );
    stores.push(store);
    return store;
  };
  const signal = () => new AbortController().signal;

  beforeAll(async () => {
    server = await DisposableS3Server.start();
  });
  afterAll(async () => {
    for (const store of stores) store.destroy();
    await server.dispose();
  });

  it('round-trips 30 MB in parts with the same SHA-256, lists it under the prefix and deletes it', async () => {
    const store = storeWith();
    const { stream, sha256 } = hashingStream(30 * MIB);
    let progress = 0;
    const result = await store.put('db/one.zst', stream, {
      signal: signal(),
      metadata: { 'zpanel-backup-id': 'b-1' },
      onProgress: (n) => (progress = n),
    });
    expect(result).toEqual({ sizeBytes: 30 * MIB, sha256: sha256(), verifiedBy: expect.stringMatching(/^(etag|read-back)$/) });
    expect(progress).toBe(30 * MIB);
    expect(await sha256Of(await store.get('db/one.zst'))).toEqual({ sha256: sha256(), sizeBytes: 30 * MIB });
    const head = await store.head('db/one.zst');
    expect(head).toMatchObject({ key: 'db/one.zst', sizeBytes: 30 * MIB, metadata: { 'zpanel-backup-id': 'b-1' } });
    expect((await store.list('db/')).map((o) => [o.key, o.sizeBytes])).toEqual([['db/one.zst', 30 * MIB]]);
    // Another prefix of the same bucket sees nothing of it.
    expect(await storeWith({ prefix: 'team-other' }).list('')).toEqual([]);
    await store.delete('db/one.zst');
    await store.delete('db/one.zst');
    expect(await store.head('db/one.zst')).toBeNull();
    expect(await store.list('')).toEqual([]);
    expect(await server.pendingMultipartUploads()).toEqual([]);
  });

  it('verifies a single-part object by its MD5 ETag', async () => {
    const result = await storeWith().put('small', Readable.from([Buffer.from('hello')]), { signal: signal() });
    expect(result).toEqual({ sizeBytes: 5, sha256: createHash('sha256').update('hello').digest('hex'), verifiedBy: 'etag' });
  });

  it('check writes, reads back and deletes a small object, leaving nothing', async () => {
    const store = storeWith();
    await store.check();
    expect(await store.list('')).toEqual([]);
  });

  it('a wrong secret fails with the storage own words, and the secret is in none of them', async () => {
    const secret = 'wrong-secret-value-123';
    const store = storeWith({ secretAccessKey: secret });
    for (const operation of [() => store.check(), () => store.put('k', randomStream(12 * MIB), { signal: signal() }), () => store.list('')]) {
      const error = await rejection(operation());
      expect(error.code).toBe('credentials');
      expect(error.message).toContain('The request signature we calculated does not match');
      expect(error.message).not.toContain(secret);
    }
  });

  it('a missing bucket and an unreachable endpoint say so', async () => {
    const missing = await rejection(storeWith({ bucket: 'no-such-bucket' }).check());
    expect(missing).toMatchObject({ code: 'not-found', message: expect.stringContaining('The specified bucket does not exist') });
    const other = await DisposableS3Server.start();
    const endpoint = other.endpoint;
    await other.dispose();
    const unreachable = await rejection(storeWith({ endpoint }).check());
    expect(unreachable.code).toBe('unreachable');
    expect(unreachable.message).toContain(`could not reach ${endpoint}: connect ECONNREFUSED`);
  });

  it('the server stopped mid-upload: rejects, and once it is back nothing is listed and the multipart upload is aborted', async () => {
    const store = storeWith();
    let stopping: Promise<void> | undefined;
    const body = randomStream(40 * MIB, (sent) => {
      // Read ahead of the upload by about (queue + 1) parts: at 25 MiB read, parts are stored.
      if (sent >= 25 * MIB && !stopping) stopping = server.stop();
    });
    const error = await rejection(store.put('db/cut.zst', body, { signal: signal() }));
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(/could not reach http:\/\/127\.0\.0\.1:\d+: /);
    await stopping;
    // The upload's parts are there while the server is down (its directory): the abort waits for it.
    expect(await server.pendingMultipartUploads()).toHaveLength(1);
    await server.start();
    await waitFor(async () => ((await server.pendingMultipartUploads()).length === 0 ? true : undefined), 20_000, 'the multipart upload aborted');
    expect(await store.list('')).toEqual([]);
    expect(await store.head('db/cut.zst')).toBeNull();
  });

  it('an abort through the signal rejects as aborted and leaves nothing', async () => {
    const store = storeWith();
    const controller = new AbortController();
    const body = randomStream(40 * MIB, (sent) => {
      if (sent >= 12 * MIB) controller.abort();
    });
    const error = await rejection(store.put('db/abort.zst', body, { signal: controller.signal }));
    expect(error.code).toBe('aborted');
    expect(body.destroyed).toBe(true);
    await waitFor(async () => ((await server.pendingMultipartUploads()).length === 0 ? true : undefined), 10_000, 'the multipart upload aborted');
    expect(await store.list('')).toEqual([]);
  });

  it('a failing source rejects as source and leaves nothing', async () => {
    const store = storeWith();
    const body = randomStream(40 * MIB, (sent) => {
      if (sent >= 12 * MIB) process.nextTick(() => body.destroy(new Error('pg_dump exited with code 1')));
    });
    const error = await rejection(store.put('db/source.zst', body, { signal: signal() }));
    expect(error).toMatchObject({ code: 'source', message: 'the data to store failed: pg_dump exited with code 1' });
    await waitFor(async () => ((await server.pendingMultipartUploads()).length === 0 ? true : undefined), 10_000, 'the multipart upload aborted');
    expect(await store.list('')).toEqual([]);
  });

  it('a presigned URL downloads the object without credentials until it expires', async () => {
    const store = storeWith();
    await store.put('dl/file', Readable.from([Buffer.from('download me')]), { signal: signal() });
    const url = await store.presignedGetUrl('dl/file', 60);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/zpanel-backups\/team-\d+\/dl\/file\?/);
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('download me');
    await store.delete('dl/file');
  });

  it('the default address policy refuses a loopback endpoint, by address and by name, before any request', async () => {
    const policy = new AddressPolicy({ allowedCidrs: [], outboundDeniedCidrs: [...DEFAULT_OUTBOUND_DENIED_CIDRS], serverDeniedCidrs: [] });
    for (const endpoint of [server.endpoint, `http://localhost:${server.port}`]) {
      const store = storeWith({ endpoint }, policy);
      for (const operation of [
        () => store.check(),
        () => store.put('k', Readable.from([Buffer.from('x')]), { signal: signal() }),
        () => store.get('k'),
      ]) {
        const error = await rejection(operation());
        expect(error.code).toBe('refused');
        expect(error.message).toMatch(/is an address this instance does not connect to/);
      }
    }
  });
});
