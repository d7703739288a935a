import { randomBytes } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DigestingStream, type Digests, etagVerdict, sha256Of } from './digest';
import { type ObjectStore, type PutOptions, type PutResult, StorageError, type StoredObject } from './object-store';

/** A destination's S3 settings, the secret already unsealed. */
export interface S3Settings {
  endpoint: string;
  region: string;
  bucket: string;
  /** '' or ending in '/': every key lives under it. */
  prefix: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The instance's outbound address policy (`AddressPolicy` of @zpanel/core): every address of a host, checked, or a throw. */
export interface OutboundResolver {
  resolve(host: string, purpose: 'outbound'): Promise<string[]>;
}

export interface S3ObjectStoreOptions {
  policy: OutboundResolver;
  /** 8 MiB: 10,000 parts reach 78 GiB; each part is held in memory while it uploads. */
  partSizeBytes?: number;
  /** Parts uploading at once (2): memory is about (queueSize + 1) x partSizeBytes, plus garbage not yet collected. */
  queueSize?: number;
  connectTimeoutMs?: number;
  /** A socket silent for this long fails the request. */
  requestTimeoutMs?: number;
  /** How long an abort of a failed multipart upload is retried in the background while the storage is down. */
  abortRetryForMs?: number;
}

export const S3_PART_SIZE_BYTES = 8 * 1024 * 1024;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);
const CREDENTIAL_CODES = new Set([
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
  'AuthorizationHeaderMalformed',
]);

/** The prefix in its stored form: no leading slash, a trailing one unless empty. */
export function normalizedPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

/**
 * A DNS lookup that answers only with addresses the policy allows, so the address the SDK connects
 * to is the one checked (a name that resolves elsewhere later, DNS rebinding, is caught then).
 */
function checkedLookup(policy: OutboundResolver): LookupFunction {
  return (hostname, options, callback) => {
    policy.resolve(hostname, 'outbound').then(
      (addresses) => {
        if (options.all)
          callback(
            null,
            addresses.map((address) => ({ address, family: isIP(address) })),
          );
        else callback(null, addresses[0], isIP(addresses[0]));
      },
      (error: Error) => callback(Object.assign(error, { code: 'EZPANELREFUSED' }), '', 0),
    );
  };
}

/**
 * An S3-compatible bucket under a prefix (AWS S3, MinIO, Backblaze B2, Cloudflare R2, ...), through
 * the AWS SDK v3: uploads stream in parts (lib-storage), every address is checked against the
 * instance's outbound policy at connect time, and errors carry the storage's own words.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly prefix: string;
  private readonly origin: string;
  private readonly partSizeBytes: number;
  private readonly queueSize: number;
  private readonly abortRetryForMs: number;
  private literalChecked?: Promise<unknown>;

  constructor(
    private readonly settings: S3Settings,
    private readonly options: S3ObjectStoreOptions,
  ) {
    const endpoint = new URL(settings.endpoint);
    this.origin = endpoint.origin;
    this.prefix = normalizedPrefix(settings.prefix);
    this.partSizeBytes = options.partSizeBytes ?? S3_PART_SIZE_BYTES;
    // 2, not more: at 3 a 400 MiB upload grew the process by up to 86 MiB (39 MiB at 2), and a backup's whole budget is 64 MB.
    this.queueSize = options.queueSize ?? 2;
    this.abortRetryForMs = options.abortRetryForMs ?? 10 * 60_000;
    const lookup = checkedLookup(options.policy);
    const agentOptions = { keepAlive: true, lookup, maxSockets: this.queueSize + 2 };
    this.client = new S3Client({
      endpoint: endpoint.origin + endpoint.pathname.replace(/\/+$/, ''),
      region: settings.region || 'us-east-1',
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // Third-party S3 servers (B2, R2, older MinIO) reject or mishandle the SDK's default
      // CRC checksums in trailers; MD5/ETag and SHA-256 are verified by put itself.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: new NodeHttpHandler({
        httpAgent: new HttpAgent(agentOptions),
        httpsAgent: new HttpsAgent(agentOptions),
        connectionTimeout: options.connectTimeoutMs ?? 10_000,
        requestTimeout: options.requestTimeoutMs ?? 120_000,
      }),
    });
  }

  async put(key: string, body: Readable, options: PutOptions): Promise<PutResult> {
    const fullKey = this.key(key);
    const digesting = new DigestingStream(this.partSizeBytes, options.onProgress);
    let sourceError: Error | undefined;
    body.once('error', (error) => {
      sourceError = error;
      digesting.destroy(error);
    });
    body.pipe(digesting);
    // Every request of this upload stops on the caller's abort; the cleanup below uses the plain client.
    const inFlight = new AbortController();
    const onAbort = () => inFlight.abort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    const client = this.client;
    const upload = new Upload({
      client: {
        config: client.config,
        send: (command: Parameters<S3Client['send']>[0]) => client.send(command, { abortSignal: inFlight.signal }),
      } as unknown as S3Client,
      params: { Bucket: this.settings.bucket, Key: fullKey, Body: digesting, Metadata: options.metadata },
      partSize: this.partSizeBytes,
      queueSize: this.queueSize,
      // The abort is ours (below), retried while the storage is down.
      leavePartsOnError: true,
    });
    try {
      await this.allowed();
      if (options.signal.aborted) throw new StorageError('the upload was cancelled', 'aborted');
      await upload.done();
    } catch (error) {
      body.unpipe(digesting);
      body.destroy();
      digesting.destroy();
      const uploadId = (upload as unknown as { uploadId?: string }).uploadId;
      if (uploadId) await this.abortUpload(fullKey, uploadId);
      if (sourceError) throw new StorageError(`the data to store failed: ${sourceError.message}`, 'source', { cause: sourceError });
      if (options.signal.aborted) throw new StorageError('the upload was cancelled', 'aborted', { cause: error });
      throw this.storageError(error);
    } finally {
      options.signal.removeEventListener('abort', onAbort);
    }
    const digests = digesting.digests();
    return this.verify(key, digests, options.signal);
  }

  async head(key: string, signal?: AbortSignal): Promise<StoredObject | null> {
    const output = await this.headRaw(this.key(key), signal);
    return output && this.storedObject(key, output);
  }

  async get(key: string, signal?: AbortSignal): Promise<Readable> {
    await this.allowed();
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }), { abortSignal: signal });
      return output.Body as Readable;
    } catch (error) {
      throw this.storageError(error);
    }
  }

  async list(prefix: string, signal?: AbortSignal): Promise<StoredObject[]> {
    await this.allowed();
    const objects: StoredObject[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: this.key(prefix), ContinuationToken: token }),
          { abortSignal: signal },
        );
        for (const item of page.Contents ?? []) {
          if (!item.Key) continue;
          objects.push({
            key: item.Key.slice(this.prefix.length),
            sizeBytes: item.Size ?? 0,
            lastModified: item.LastModified ?? new Date(0),
            metadata: {},
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw this.storageError(error);
    }
    return objects;
  }

  async delete(key: string, signal?: AbortSignal): Promise<void> {
    await this.allowed();
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }), { abortSignal: signal });
    } catch (error) {
      if (error instanceof S3ServiceException && error.name === 'NoSuchKey') return;
      throw this.storageError(error);
    }
  }

  async check(signal?: AbortSignal): Promise<void> {
    await this.allowed();
    const key = this.key(`.zpanel-check-${randomBytes(8).toString('hex')}`);
    const content = Buffer.from(`zpanel destination check ${new Date().toISOString()}\n`);
    const bucket = this.settings.bucket;
    try {
      await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: content, ContentLength: content.length }), {
        abortSignal: signal,
      });
      const read = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      const back = Buffer.from(await read.Body!.transformToByteArray());
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      if (!back.equals(content)) throw new StorageError('the test object read back differs from what was written', 'verify');
    } catch (error) {
      throw this.storageError(error);
    }
  }

  async presignedGetUrl(key: string, ttlSeconds: number): Promise<string | null> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }), { expiresIn: ttlSeconds });
  }

  /** Closes the store's sockets. */
  destroy(): void {
    this.client.destroy();
  }

  private key(relative: string): string {
    return this.prefix + relative.replace(/^\/+/, '');
  }

  /**
   * An IP-literal endpoint never goes through a lookup, so the policy is asked here (once: a
   * literal cannot change). Names are checked in the lookup, at each connection.
   */
  private allowed(): Promise<unknown> {
    const host = new URL(this.origin).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) === 0) return Promise.resolve();
    this.literalChecked ??= this.options.policy.resolve(host, 'outbound');
    return this.literalChecked.catch((error: unknown) => {
      throw this.storageError(Object.assign(error as Error, { code: 'EZPANELREFUSED' }));
    });
  }

  private async verify(key: string, digests: Digests, signal: AbortSignal): Promise<PutResult> {
    const fullKey = this.key(key);
    const result = (verifiedBy: PutResult['verifiedBy']): PutResult => ({ sizeBytes: digests.sizeBytes, sha256: digests.sha256, verifiedBy });
    const head = await this.headRaw(fullKey, signal);
    let problem: string | null = null;
    if (!head) problem = 'the object is not there after its upload';
    else if (head.ContentLength !== digests.sizeBytes) problem = `the stored object has ${head.ContentLength} bytes, ${digests.sizeBytes} were sent`;
    else {
      const encrypted = head.ServerSideEncryption?.startsWith('aws:kms') === true || head.SSECustomerAlgorithm !== undefined;
      const verdict = etagVerdict(head.ETag, digests, encrypted);
      if (verdict === 'equal') return result('etag');
      if (verdict === 'differs') problem = `the stored object's ETag ${head.ETag} differs from the sent bytes' ${digests.multipartEtag}`;
      else {
        const back = await this.get(key, signal).then(sha256Of, (error: unknown) => {
          throw this.storageError(error);
        });
        if (back.sha256 === digests.sha256 && back.sizeBytes === digests.sizeBytes) return result('read-back');
        problem = `the stored object read back has SHA-256 ${back.sha256}, the sent bytes ${digests.sha256}`;
      }
    }
    await this.delete(key).catch(() => undefined);
    throw new StorageError(`${problem}; the object was deleted`, 'verify');
  }

  private async headRaw(fullKey: string, signal?: AbortSignal): Promise<HeadObjectCommandOutput | null> {
    await this.allowed();
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: fullKey }), { abortSignal: signal });
    } catch (error) {
      if (error instanceof S3ServiceException && (error.name === 'NotFound' || error.name === 'NoSuchKey')) return null;
      throw this.storageError(error);
    }
  }

  private storedObject(key: string, output: HeadObjectCommandOutput): StoredObject {
    return { key, sizeBytes: output.ContentLength ?? 0, lastModified: output.LastModified ?? new Date(0), metadata: output.Metadata ?? {} };
  }

  /**
   * Aborts a failed multipart upload so its parts are not kept (and billed) out of sight. While the
   * storage is down that fails: it is retried in the background with backoff for a while (the
   * bucket's lifecycle rule for incomplete uploads is the backstop after that, docs/backups.md).
   */
  private async abortUpload(key: string, uploadId: string): Promise<void> {
    const command = new AbortMultipartUploadCommand({ Bucket: this.settings.bucket, Key: key, UploadId: uploadId });
    const attempt = () =>
      this.client.send(command).then(
        () => true,
        (error: unknown) => error instanceof S3ServiceException && error.name === 'NoSuchUpload',
      );
    if (await attempt()) return;
    const deadline = Date.now() + this.abortRetryForMs;
    let delay = 1_000;
    const retry = () => {
      const timer = setTimeout(() => {
        void attempt().then((done) => {
          delay = Math.min(delay * 2, 30_000);
          if (!done && Date.now() + delay < deadline) retry();
        });
      }, delay);
      timer.unref();
    };
    retry();
  }

  /** The error in the storage's own words; never the secret (the SDK's messages hold none, and the endpoint is shown as its origin). */
  private storageError(error: unknown): StorageError {
    if (error instanceof StorageError) return error;
    const err = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
    if (err.code === 'EZPANELREFUSED') return new StorageError(err.message, 'refused', { cause: error });
    if (err.name === 'AbortError') return new StorageError('the request was cancelled', 'aborted', { cause: error });
    if (error instanceof S3ServiceException) {
      const status = error.$metadata.httpStatusCode;
      // HEAD answers have no body: the SDK names them by status only ("UnknownError").
      const words = error.message && error.message !== 'UnknownError' ? error.message : `${status ?? ''} ${error.name}`.trim();
      const message = `${words} (${error.name})`;
      if (CREDENTIAL_CODES.has(error.name) || status === 403 || status === 401) return new StorageError(message, 'credentials', { cause: error });
      if (error.name === 'NoSuchBucket' || error.name === 'NoSuchKey' || status === 404)
        return new StorageError(message, 'not-found', { cause: error });
      return new StorageError(message, 'other', { cause: error });
    }
    // The SDK's retry wraps an error from another realm (a test runner's) as text: read it back.
    const message = (err.message || String(error)).replace(/^AWS SDK error wrapper for (\w*Error: )?/, '');
    const code = err.code ?? /\b(E[A-Z]{4,})\b/.exec(message)?.[1];
    if ((code && NETWORK_CODES.has(code)) || err.name === 'TimeoutError') {
      return new StorageError(`could not reach ${this.origin}: ${message}`, 'unreachable', { cause: error });
    }
    return new StorageError(message, 'other', { cause: error });
  }
}
