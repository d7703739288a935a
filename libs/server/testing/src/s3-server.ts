import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

// @20minutes/s3rver ships no types; these are the parts used here.
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
  status: number;
  body: unknown;
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void> | void;
interface S3rverInstance {
  middleware: Middleware[];
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  httpServer?: Server;
  logger: { silent: boolean };
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
interface Account {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
}

/** Loaded on first use: every test file imports @zpanel/testing, few start an S3 server. */
function s3rver(): { S3rver: S3rverClass; authentication: () => Middleware; account: Account } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    S3rver: require('@20minutes/s3rver') as S3rverClass,
    authentication: require('@20minutes/s3rver/lib/middleware/authentication') as () => Middleware,
    account: (require('@20minutes/s3rver/lib/models/account') as { DUMMY_ACCOUNT: Account }).DUMMY_ACCOUNT,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

const UPLOADS = '._S3rver_uploads';

/**
 * AbortMultipartUpload, which the server answers 405 to: without it an aborted upload would leave
 * its parts behind whatever the client does. Authenticated with the server's own SigV4 check, and
 * it removes exactly what the server keeps for the upload (its uploads/<id> directory).
 */
function abortMultipartUpload(): Middleware {
  const authenticate = s3rver().authentication();
  return async (ctx, next) => {
    const uploadId = ctx.query['uploadId'];
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (ctx.method !== 'DELETE' || typeof uploadId !== 'string' || !match) return next();
    ctx.params = { ...ctx.params, bucket: match[1], key: match[2] };
    await authenticate(ctx, async () => {
      if (!/^[0-9a-f]+$/.test(uploadId)) {
        ctx.status = 404;
        return;
      }
      await rm(join(ctx.store.getResourcePath(match[1], undefined, 'uploads'), uploadId), { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = null;
    });
  };
}

/** A part of a multipart upload the server stored: `key` is the object's, without the bucket. */
export interface StoredPart {
  key: string;
  partNumber: number;
}

/** Tells `stored` of each UploadPart the server answered 200 to (its data on disk), before the answer is sent. */
function partsStored(stored: (part: StoredPart) => void): Middleware {
  return async (ctx, next) => {
    await next();
    const { uploadId, partNumber } = ctx.query;
    const match = /^\/[^/]+\/(.+)$/.exec(ctx.path);
    if (ctx.method === 'PUT' && typeof uploadId === 'string' && typeof partNumber === 'string' && match && ctx.status === 200) {
      stored({ key: match[1], partNumber: Number(partNumber) });
    }
  };
}

/**
 * A bucket-level request in path style (`GET /bucket/?list-type=2`) is signed by the SDK over
 * `/bucket/`, as S3 does; the server rebuilds `/bucket` and answers SignatureDoesNotMatch. Its
 * own vhost branch puts the mount path after the bucket name, which gives back the slash.
 */
function bucketPathSlash(): Middleware {
  return (ctx, next) => {
    if (/^\/[^/]+\/$/.test(ctx.path)) {
      (ctx as unknown as { state: Record<string, unknown> }).state.vhost = true;
      (ctx as unknown as { mountPath: string }).mountPath = '/';
    }
    return next();
  };
}

/**
 * A private S3-compatible server (@20minutes/s3rver, a maintained fork of s3rver that checks SigV4
 * signatures) on a free loopback port with its own directory and one bucket; `stop()` and `start()`
 * again keep the data, as a storage outage would. docs/testing.md says why this server.
 */
export class DisposableS3Server {
  private server?: S3rverInstance;
  private partWaiters: ((part: StoredPart) => void)[] = [];
  readonly region = 'us-east-1';

  private constructor(
    readonly port: number,
    readonly directory: string,
    readonly bucket: string,
    readonly accessKeyId: string,
    readonly secretAccessKey: string,
  ) {}

  static async start(options: { bucket?: string } = {}): Promise<DisposableS3Server> {
    const directory = await mkdtemp(join(tmpdir(), 'zpanel-s3-'));
    const accessKeyId = `ZPTEST${randomBytes(6).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(20).toString('base64url');
    s3rver().account.createKeyPair(accessKeyId, secretAccessKey);
    const server = new DisposableS3Server(await freePort(), directory, options.bucket ?? 'zpanel-backups', accessKeyId, secretAccessKey);
    await server.start();
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What a destination's settings need (path-style: the server has no virtual-host names). */
  get settings(): {
    endpoint: string;
    region: string;
    bucket: string;
    forcePathStyle: boolean;
    accessKeyId: string;
    secretAccessKey: string;
  } {
    return {
      endpoint: this.endpoint,
      region: this.region,
      bucket: this.bucket,
      forcePathStyle: true,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
    };
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const { S3rver } = s3rver();
    const server = new S3rver({
      address: '127.0.0.1',
      port: this.port,
      silent: true,
      directory: this.directory,
      configureBuckets: [{ name: this.bucket }],
    });
    // Before the router (the last middleware), after the logger and the XML encoder.
    server.middleware.splice(
      server.middleware.length - 1,
      0,
      bucketPathSlash(),
      abortMultipartUpload(),
      partsStored((part) => this.partWaiters.splice(0).forEach((resolve) => resolve(part))),
    );
    await server.run();
    this.server = server;
  }

  /** Stops at once: open connections (an upload in flight) are cut, as when a storage goes down. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Requests cut in flight still log as they unwind, after close() removed the logger's transports
    // (winston then prints "no transports" to the console): the server is silent already.
    server.logger.silent = true;
    server.httpServer?.closeAllConnections();
    await server.close();
  }

  /**
   * Resolves when the server has stored the next part of a multipart upload (before it answers):
   * a test stops the server on it to cut an upload that is really in flight, not at a guessed time.
   */
  nextPartStored(): Promise<StoredPart> {
    return new Promise((resolve) => this.partWaiters.push(resolve));
  }

  /** Multipart uploads the server still holds (it has no ListMultipartUploads: its own directory tells). */
  async pendingMultipartUploads(): Promise<string[]> {
    return readdir(join(this.directory, this.bucket, UPLOADS)).catch(() => []);
  }

  /** Stops and removes the directory. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.directory, { recursive: true, force: true });
  }
}
