import type { Readable } from 'node:stream';

/** One stored object as a listing or a head sees it. */
export interface StoredObject {
  key: string;
  sizeBytes: number;
  lastModified: Date;
  /** User metadata stored with the object (S3 `x-amz-meta-*`; a sidecar for a server directory). */
  metadata: Record<string, string>;
}

export interface PutOptions {
  signal: AbortSignal;
  /** Stored with the object: `sha256`, `zpanel-backup-id`, ... (lower-case keys). */
  metadata?: Record<string, string>;
  /** Bytes sent so far, for the run's log. */
  onProgress?: (sentBytes: number) => void;
}

/** What `put` stored, as checked after the upload. */
export interface PutResult {
  sizeBytes: number;
  /** SHA-256 (hex) of the bytes as they passed. */
  sha256: string;
  /**
   * How the stored object was checked: `etag` (S3 ETag equal to the MD5 computed while streaming),
   * `read-back` (the object read again and its SHA-256 compared: ETags that are not an MD5, as with
   * SSE-KMS), `sha256sum` (the server directory's own sha256sum of the file).
   */
  verifiedBy: 'etag' | 'read-back' | 'sha256sum';
}

/**
 * Where backups are kept: an S3-compatible bucket under a prefix (`S3ObjectStore`), or a directory on
 * one of the team's servers (`ServerDirectoryStore`); `FakeObjectStore` (`@zpanel/remote/testing`) in
 * unit tests. Keys are relative to the destination's prefix or directory, made by Zpanel only
 * (`backupObjectKey`), never by a user.
 */
export interface ObjectStore {
  /**
   * Streams `body` to `key` with constant memory (multipart for S3), then checks what the storage
   * holds against what passed (size, and the S3 ETag or the SHA-256 read back / computed on the
   * server). Any failure, abort or mismatch leaves no object and no half-finished multipart upload
   * behind (aborted; a mismatched object deleted), then rejects with a `StorageError`.
   */
  put(key: string, body: Readable, options: PutOptions): Promise<PutResult>;
  /** Null when there is no such object. */
  head(key: string, signal?: AbortSignal): Promise<StoredObject | null>;
  /** The object's bytes as stored. */
  get(key: string, signal?: AbortSignal): Promise<Readable>;
  /** Objects under `prefix` (relative), all pages. */
  list(prefix: string, signal?: AbortSignal): Promise<StoredObject[]>;
  /** No-op when missing. */
  delete(key: string, signal?: AbortSignal): Promise<void>;
  /**
   * Writes, reads back and deletes a small object: what saving a destination checks. Rejects with a
   * `StorageError` carrying the storage's own words (bad credentials, no such bucket, unreachable).
   */
  check(signal?: AbortSignal): Promise<void>;
  /** A URL that downloads `key` for `ttlSeconds` without credentials; null when the store has none (a server directory). */
  presignedGetUrl(key: string, ttlSeconds: number): Promise<string | null>;
}

/**
 * `refused`: the address policy refused the endpoint; `verify`: the stored object differs from what
 * was sent (deleted); `source`: the bytes to store failed before they all arrived (a dump, an encrypt).
 */
export type StorageErrorCode = 'unreachable' | 'credentials' | 'not-found' | 'refused' | 'aborted' | 'verify' | 'source' | 'other';

/** A storage failure in the storage's own words (`message`), safe to show the user (never holds a secret). */
export class StorageError extends Error {
  constructor(
    message: string,
    readonly code: StorageErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}
