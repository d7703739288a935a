import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { FakeObjectStore } from './fake-object-store';
import { StorageError } from './object-store';

const body = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));
const signal = () => new AbortController().signal;

describe('FakeObjectStore', () => {
  it('stores, heads, lists, reads and deletes', async () => {
    const store = new FakeObjectStore();
    const result = await store.put('a/1', body('hel', 'lo'), { signal: signal(), metadata: { sha256: 'x' } });
    expect(result).toEqual({ sizeBytes: 5, sha256: createHash('sha256').update('hello').digest('hex'), verifiedBy: 'etag' });
    await store.put('b/2', body('x'), { signal: signal() });
    expect(await store.head('a/1')).toMatchObject({ key: 'a/1', sizeBytes: 5, metadata: { sha256: 'x' } });
    expect((await store.list('a/')).map((o) => o.key)).toEqual(['a/1']);
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get('a/1')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
    await store.delete('a/1');
    expect(await store.head('a/1')).toBeNull();
    await expect(store.get('a/1')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('a put failing after some bytes stores nothing, destroys the body, and the next put works', async () => {
    const store = new FakeObjectStore().failPutAfter(3);
    const source = body('ab', 'cd', 'ef');
    await expect(store.put('k', source, { signal: signal() })).rejects.toMatchObject({ code: 'unreachable' });
    expect(source.destroyed).toBe(true);
    expect(store.objects.size).toBe(0);
    await store.put('k', body('ok'), { signal: signal() });
    expect(store.putKeys).toEqual(['k', 'k']);
  });

  it('an aborted put and a failing source reject with their codes and store nothing', async () => {
    const store = new FakeObjectStore();
    const controller = new AbortController();
    controller.abort();
    await expect(store.put('k', body('x'), { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
    const failing = new Readable({
      read() {
        this.destroy(new Error('pg_dump exited with 1'));
      },
    });
    await expect(store.put('k', failing, { signal: signal() })).rejects.toMatchObject({
      code: 'source',
      message: 'the data to store failed: pg_dump exited with 1',
    });
    expect(store.objects.size).toBe(0);
  });

  it('failNext fails one call; failCheck until cleared; corrupt flips a byte', async () => {
    const store = new FakeObjectStore().failNext('list', 'The specified bucket does not exist', 'not-found');
    await expect(store.list('')).rejects.toEqual(new StorageError('The specified bucket does not exist', 'not-found'));
    expect(await store.list('')).toEqual([]);
    store.failCheck('The request signature we calculated does not match');
    await expect(store.check()).rejects.toMatchObject({ code: 'credentials' });
    await expect(store.check()).rejects.toMatchObject({ code: 'credentials' });
    store.failCheck(null);
    await store.check();
    await store.put('k', body('abc'), { signal: signal() });
    store.corrupt('k', 1);
    expect(store.bytes('k')).toEqual(Buffer.from([0x61, 0x62 ^ 0xff, 0x63]));
    expect(await new FakeObjectStore({ presigned: false }).presignedGetUrl('k', 60)).toBeNull();
    expect(await store.presignedGetUrl('k', 60)).toMatch(/^http:\/\/fake-s3\.invalid\/k\?/);
  });
});
