import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type ObjectStore, type PutOptions, type PutResult, StorageError, type StorageErrorCode, type StoredObject } from './object-store';

interface FakeObject {
  data: Buffer;
  metadata: Record<string, string>;
  lastModified: Date;
}

type Method = 'put' | 'head' | 'get' | 'list' | 'delete' | 'check';

/**
 * An in-memory ObjectStore for unit tests, with failures on demand: the next call of a method
 * rejects (`failNext`), a put fails after some bytes (`failPutAfter`, nothing stored, as a real
 * store aborts), `check` fails (`failCheck`), a stored byte flips (`corrupt`). Whatever fails leaves
 * nothing stored, like the real ones.
 */
export class FakeObjectStore implements ObjectStore {
  readonly objects = new Map<string, FakeObject>();
  /** Keys of every put, in order, failed ones included. */
  readonly putKeys: string[] = [];
  private readonly failures = new Map<Method, StorageError[]>();
  private putFailure?: { afterBytes: number; error: StorageError };
  private checkFailure?: StorageError;

  constructor(private readonly options: { presigned?: boolean } = { presigned: true }) {}

  /** The next call of `method` rejects with a StorageError of `message` (`code` 'other' unless given). */
  failNext(method: Method, message = `${method} failed`, code: StorageErrorCode = 'other'): this {
    const queue = this.failures.get(method) ?? [];
    queue.push(new StorageError(message, code));
    this.failures.set(method, queue);
    return this;
  }

  /** The next put fails once `afterBytes` bytes have arrived (the storage going away mid-upload). */
  failPutAfter(afterBytes: number, message = 'could not reach http://fake-s3: connect ECONNREFUSED', code: StorageErrorCode = 'unreachable'): this {
    this.putFailure = { afterBytes, error: new StorageError(message, code) };
    return this;
  }

  /** Every check fails with these words until `failCheck(null)`. */
  failCheck(message: string | null, code: StorageErrorCode = 'credentials'): this {
    this.checkFailure = message === null ? undefined : new StorageError(message, code);
    return this;
  }

  /** Flips one byte of a stored object (what a restore's verification must catch). */
  corrupt(key: string, offset = 0): void {
    const object = this.objects.get(key);
    if (!object) throw new Error(`no object ${key}`);
    object.data[offset] ^= 0xff;
  }

  bytes(key: string): Buffer | undefined {
    return this.objects.get(key)?.data;
  }

  async put(key: string, body: Readable, options: PutOptions): Promise<PutResult> {
    this.putKeys.push(key);
    const failure = this.putFailure;
    this.putFailure = undefined;
    try {
      this.takeFailure('put');
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of body) {
        if (options.signal.aborted) throw new StorageError('the upload was cancelled', 'aborted');
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        size += buffer.length;
        if (failure && size > failure.afterBytes) throw failure.error;
        chunks.push(buffer);
        options.onProgress?.(size);
      }
      if (options.signal.aborted) throw new StorageError('the upload was cancelled', 'aborted');
      const data = Buffer.concat(chunks);
      this.objects.set(key, { data, metadata: { ...options.metadata }, lastModified: new Date() });
      return { sizeBytes: data.length, sha256: createHash('sha256').update(data).digest('hex'), verifiedBy: 'etag' };
    } catch (error) {
      body.destroy();
      if (error instanceof StorageError) throw error;
      throw new StorageError(`the data to store failed: ${(error as Error).message}`, 'source', { cause: error });
    }
  }

  async head(key: string): Promise<StoredObject | null> {
    this.takeFailure('head');
    const object = this.objects.get(key);
    return object ? this.stored(key, object) : null;
  }

  async get(key: string): Promise<Readable> {
    this.takeFailure('get');
    const object = this.objects.get(key);
    if (!object) throw new StorageError('The specified key does not exist. (NoSuchKey)', 'not-found');
    // Copied: a later corrupt() must not change a stream already handed out.
    return Readable.from([Buffer.from(object.data)]);
  }

  async list(prefix: string): Promise<StoredObject[]> {
    this.takeFailure('list');
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, object]) => this.stored(key, object));
  }

  async delete(key: string): Promise<void> {
    this.takeFailure('delete');
    this.objects.delete(key);
  }

  async check(): Promise<void> {
    this.takeFailure('check');
    if (this.checkFailure) throw this.checkFailure;
  }

  async presignedGetUrl(key: string, ttlSeconds: number): Promise<string | null> {
    return this.options.presigned === false ? null : `http://fake-s3.invalid/${encodeURIComponent(key)}?expires=${ttlSeconds}`;
  }

  private takeFailure(method: Method): void {
    const error = this.failures.get(method)?.shift();
    if (error) throw error;
  }

  private stored(key: string, object: FakeObject): StoredObject {
    return { key, sizeBytes: object.data.length, lastModified: object.lastModified, metadata: { ...object.metadata } };
  }
}
