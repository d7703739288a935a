import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Duplex, PassThrough } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { BackupCompression } from '@zpanel/contracts';
import { keyId } from '../crypto/secret-box';
import { ReasonError } from '../errors/reason-error';
import { ZstdExitError, ZstdProcess } from './zstd-process';

/*
 * The stored object of a backup (docs/backups.md, "Backup format"): the dump compressed, then
 * encrypted with AES-256-GCM in authenticated chunks (the STREAM construction of age and Tink).
 *
 *   header (56 bytes): "ZPBACKUP" | version 1 | compression id | log2(chunk size) | 0 | key id (12 ASCII hex) | salt (32)
 *   chunks:            ciphertext (chunk size bytes; the last one 0..chunk size) | GCM tag (16)
 *
 * Each object gets its own subkey, HKDF-SHA256(data key, salt, "zpanel-backup v1"), so a counter
 * nonce is safe: 11-byte big-endian chunk index | 1 if it is the last chunk, else 0. Every chunk's
 * AAD is the whole header. Truncation (even at a chunk boundary), reordering, a changed header and
 * appended bytes all fail a tag.
 *
 * Hand-written because no maintained Node library offers a streaming AEAD file format at native
 * AES-GCM speed: `age-encryption` on npm is ESM-only and pure-JS (@noble/ciphers ChaCha20-Poly1305),
 * and the rest encrypt whole buffers. scripts/decrypt-backup.mjs reads the same format with Node's
 * standard library alone, for a restore without Zpanel; a spec keeps the two in step.
 */

/** `none` is for data that is already compressed (tests use it to see chunks one to one). */
export type BackupArchiveCompression = BackupCompression | 'none';

const MAGIC = Buffer.from('ZPBACKUP', 'ascii');
const FORMAT_VERSION = 1;
const COMPRESSION_IDS: Record<BackupArchiveCompression, number> = { none: 0, zstd: 1, gzip: 2 };
const KEY_ID_BYTES = 12;
const SALT_BYTES = 32;
const TAG_BYTES = 16;
const HKDF_INFO = 'zpanel-backup v1';
/** log2 of the plaintext chunk size: 64 KiB (1 MiB measured no faster, docs/backups.md). */
const DEFAULT_CHUNK_LOG2 = 16;
const MIN_CHUNK_LOG2 = 10;
const MAX_CHUNK_LOG2 = 24;
/** The nonce's counter is 11 bytes; 6 of them already count past any backup's size. */
const MAX_CHUNK_INDEX = 2 ** 48 - 1;
export const BACKUP_HEADER_BYTES = MAGIC.length + 4 + KEY_ID_BYTES + SALT_BYTES;
/** A backup object's file name ending, for downloads and server destinations. */
export const BACKUP_FILE_EXTENSION = '.zpbk';

/** A backup object could not be read back: a wrong key, a changed or cut object. Never restore what such a stream gave. */
export class BackupIntegrityError extends ReasonError {
  constructor(detail: string) {
    super('backup.integrity_failed', `The backup could not be decrypted: ${detail}.`);
    this.name = 'BackupIntegrityError';
  }
}

export interface BackupHeader {
  version: number;
  compression: BackupArchiveCompression;
  chunkSize: number;
  /** `keyId` of the destination data key the backup was encrypted with. */
  keyId: string;
  salt: Buffer;
  /** The header's bytes, each chunk's AAD. */
  bytes: Buffer;
}

/** Reads the first BACKUP_HEADER_BYTES of an object; throws BackupIntegrityError when they are not a backup header. */
export function parseBackupHeader(bytes: Buffer): BackupHeader {
  if (bytes.length < BACKUP_HEADER_BYTES) throw new BackupIntegrityError(`the object is cut short (${bytes.length} bytes, no whole header)`);
  const header = Buffer.from(bytes.subarray(0, BACKUP_HEADER_BYTES));
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupIntegrityError('this is not a Zpanel backup (no ZPBACKUP header)');
  let at = MAGIC.length;
  const version = header[at++];
  if (version !== FORMAT_VERSION)
    throw new BackupIntegrityError(`format version ${version} is not one this Zpanel reads (it reads ${FORMAT_VERSION})`);
  const compressionId = header[at++];
  const compression = (Object.keys(COMPRESSION_IDS) as BackupArchiveCompression[]).find((name) => COMPRESSION_IDS[name] === compressionId);
  if (!compression) throw new BackupIntegrityError(`unknown compression id ${compressionId} in the header`);
  const chunkLog2 = header[at++];
  if (chunkLog2 < MIN_CHUNK_LOG2 || chunkLog2 > MAX_CHUNK_LOG2)
    throw new BackupIntegrityError(`chunk size 2^${chunkLog2} in the header is out of range`);
  if (header[at++] !== 0) throw new BackupIntegrityError('the header is damaged (reserved byte set)');
  const id = header.subarray(at, at + KEY_ID_BYTES).toString('latin1');
  if (!/^[0-9a-f]{12}$/.test(id)) throw new BackupIntegrityError('the header is damaged (key id)');
  at += KEY_ID_BYTES;
  return { version, compression, chunkSize: 2 ** chunkLog2, keyId: id, salt: header.subarray(at, at + SALT_BYTES), bytes: header };
}

function encodeHeader(compression: BackupArchiveCompression, chunkLog2: number, dataKeyId: string, salt: Buffer): Buffer {
  return Buffer.concat([MAGIC, Buffer.from([FORMAT_VERSION, COMPRESSION_IDS[compression], chunkLog2, 0]), Buffer.from(dataKeyId, 'latin1'), salt]);
}

function subkeyOf(dataKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, salt, HKDF_INFO, 32));
}

function nonceOf(index: number, last: boolean): Buffer {
  if (index > MAX_CHUNK_INDEX) throw new BackupIntegrityError('too many chunks');
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(index, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function checkDataKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== 32) throw new Error('a backup data key is 32 bytes');
}

export interface BackupEncoderOptions {
  /** The destination's data key (32 bytes, openBackupDataKey). */
  dataKey: Buffer;
  compression: BackupArchiveCompression;
  /** zstd 1-19 (default 3, as the zstd command), gzip 1-9 (default 6). */
  level?: number;
  /** Plaintext bytes per chunk, a power of two from 1 KiB to 16 MiB (default 64 KiB). */
  chunkSize?: number;
}

const LEVELS: Record<BackupArchiveCompression, { min: number; max: number; default: number }> = {
  zstd: { min: 1, max: 19, default: 3 },
  gzip: { min: 1, max: 9, default: 6 },
  none: { min: 0, max: 0, default: 0 },
};

function compressorFor(compression: BackupArchiveCompression, level = LEVELS[compression].default): Duplex {
  const { min, max } = LEVELS[compression];
  // The level goes into zstd's argv: only an integer in range gets there.
  if (!Number.isInteger(level) || level < min || level > max) throw new Error(`a ${compression} level is an integer from ${min} to ${max}`);
  if (compression === 'zstd') return new ZstdProcess([`-${level}`]);
  if (compression === 'gzip') return createGzip({ level });
  return new PassThrough();
}

function decompressorFor(compression: BackupArchiveCompression): Duplex {
  if (compression === 'zstd') return new ZstdProcess(['-d']);
  if (compression === 'gzip') return createGunzip();
  return new PassThrough();
}

/** Buffered output bound of both coders: a few chunks, whatever the consumer's pace. */
const READABLE_HIGH_WATER_MARK = 1024 * 1024;

/**
 * The dump's bytes in, the stored object's bytes out (header, then sealed chunks), with constant
 * memory: backpressure from the consumer pauses the compressor, which stops taking input. Use it in
 * `stream.pipeline` so that a failure anywhere destroys it (which also ends the zstd process).
 */
export class BackupEncoder extends Duplex {
  readonly keyId: string;
  readonly compression: BackupArchiveCompression;
  private readonly header: Buffer;
  private readonly subkey: Buffer;
  private readonly chunkSize: number;
  private readonly compressor: Duplex;
  private readonly pending: Buffer;
  private filled = 0;
  private index = 0;
  private headerSent = false;
  private plaintext = 0;
  private stored = 0;
  private finalCallback: ((error?: Error | null) => void) | null = null;

  constructor(options: BackupEncoderOptions) {
    super({ readableHighWaterMark: READABLE_HIGH_WATER_MARK });
    checkDataKey(options.dataKey);
    const chunkLog2 = Math.log2(options.chunkSize ?? 2 ** DEFAULT_CHUNK_LOG2);
    if (!Number.isInteger(chunkLog2) || chunkLog2 < MIN_CHUNK_LOG2 || chunkLog2 > MAX_CHUNK_LOG2) {
      throw new Error('a backup chunk size is a power of two from 1 KiB to 16 MiB');
    }
    if (!Object.hasOwn(COMPRESSION_IDS, options.compression)) throw new Error(`unknown backup compression ${String(options.compression)}`);
    this.keyId = keyId(options.dataKey);
    this.compression = options.compression;
    this.chunkSize = 2 ** chunkLog2;
    const salt = randomBytes(SALT_BYTES);
    this.header = encodeHeader(options.compression, chunkLog2, this.keyId, salt);
    this.subkey = subkeyOf(options.dataKey, salt);
    this.pending = Buffer.allocUnsafe(this.chunkSize);
    this.compressor = compressorFor(options.compression, options.level);
    this.compressor.on('data', (data: Buffer) => this.seal(data));
    this.compressor.on('end', () => this.sealLast());
    this.compressor.on('error', (error: Error) => this.destroy(error));
  }

  /** Bytes written in so far: the dump's size once the stream finished. */
  get plaintextBytes(): number {
    return this.plaintext;
  }

  /** Bytes of the stored object emitted so far. */
  get storedBytes(): number {
    return this.stored;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.plaintext += chunk.length;
    if (this.compressor.write(chunk)) callback();
    else this.compressor.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finalCallback = callback;
    this.compressor.end();
  }

  override _read(): void {
    this.compressor.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.compressor.destroy();
    callback(error);
  }

  private out(bytes: Buffer): boolean {
    this.stored += bytes.length;
    return this.push(bytes);
  }

  private sendHeader(): boolean {
    if (this.headerSent) return true;
    this.headerSent = true;
    return this.out(this.header);
  }

  private seal(data: Buffer): void {
    let more = this.sendHeader();
    let offset = 0;
    while (offset < data.length) {
      // A full chunk is sealed only once a byte follows it: the last chunk must carry the last flag.
      if (this.filled === this.chunkSize) more = this.sealPending(false) && more;
      const copied = data.copy(this.pending, this.filled, offset);
      this.filled += copied;
      offset += copied;
    }
    if (!more) this.compressor.pause();
  }

  private sealPending(last: boolean): boolean {
    const cipher = createCipheriv('aes-256-gcm', this.subkey, nonceOf(this.index++, last));
    cipher.setAAD(this.header);
    const ciphertext = cipher.update(this.pending.subarray(0, this.filled));
    cipher.final();
    this.filled = 0;
    // Two pushes rather than a concatenated copy: less garbage per chunk for the GC to lag behind on.
    const more = this.out(ciphertext);
    return this.out(cipher.getAuthTag()) && more;
  }

  private sealLast(): void {
    this.sendHeader();
    this.sealPending(true);
    this.push(null);
    this.finalCallback?.();
  }
}

export type BackupDecoderOptions =
  /** The destination's data key. */
  | { dataKey: Buffer }
  /** Several candidate keys, picked by the key id in the header. */
  | { keys: readonly Buffer[] };

/**
 * The stored object's bytes in, the dump's bytes out. Fails with BackupIntegrityError on a wrong key,
 * any changed byte, a truncation, reordered chunks or bytes after the last chunk, and on damaged
 * compressed data. A chunk's plaintext goes on only after its tag verified; a failure can come after
 * earlier chunks went out, so the consumer must treat the whole output as void when the stream errs.
 */
export class BackupDecoder extends Duplex {
  private readonly keys: Map<string, Buffer>;
  private parsed: BackupHeader | null = null;
  private subkey: Buffer | null = null;
  private decompressor: Duplex | null = null;
  private input: Buffer = Buffer.alloc(0);
  private index = 0;
  private plaintext = 0;
  private finalCallback: ((error?: Error | null) => void) | null = null;

  constructor(options: BackupDecoderOptions) {
    super({ readableHighWaterMark: READABLE_HIGH_WATER_MARK });
    const keys = 'dataKey' in options ? [options.dataKey] : options.keys;
    for (const key of keys) checkDataKey(key);
    this.keys = new Map(keys.map((key) => [keyId(key), key]));
  }

  /** The object's header, once its first bytes arrived. */
  get header(): BackupHeader | null {
    return this.parsed;
  }

  /** Dump bytes emitted so far. */
  get plaintextBytes(): number {
    return this.plaintext;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
      if (!this.parsed && !this.readHeader()) return callback();
      const decompressor = this.decompressor as Duplex;
      const sealedSize = (this.parsed as BackupHeader).chunkSize + TAG_BYTES;
      let more = true;
      // Keep the last whole chunk until a byte follows it: at the end it must open as the last one.
      let offset = 0;
      while (this.input.length - offset > sealedSize) {
        more = decompressor.write(this.open(this.input.subarray(offset, offset + sealedSize), false)) && more;
        offset += sealedSize;
      }
      this.input = offset === 0 ? this.input : Buffer.from(this.input.subarray(offset));
      if (more) callback();
      else decompressor.once('drain', () => callback());
    } catch (error) {
      callback(error as Error);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    try {
      // _write reads the header as soon as it is whole: here it never was.
      if (!this.parsed) parseBackupHeader(this.input);
      if (this.input.length < TAG_BYTES) {
        throw new BackupIntegrityError(`the object is cut short (it ends after chunk ${this.index}, with no last chunk)`);
      }
      const decompressor = this.decompressor as Duplex;
      decompressor.write(this.open(this.input, true));
      this.input = Buffer.alloc(0);
      this.finalCallback = callback;
      decompressor.end();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _read(): void {
    this.decompressor?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.decompressor?.destroy();
    callback(error);
  }

  private readHeader(): boolean {
    if (this.input.length < BACKUP_HEADER_BYTES) return false;
    const header = parseBackupHeader(this.input);
    const key = this.keys.get(header.keyId);
    if (!key) {
      const ours = [...this.keys.keys()].join(', ');
      throw new BackupIntegrityError(
        `it was encrypted with key ${header.keyId}, this destination's key is ${ours} (a backup of another destination or instance, or a damaged header)`,
      );
    }
    this.parsed = header;
    this.subkey = subkeyOf(key, header.salt);
    this.input = Buffer.from(this.input.subarray(BACKUP_HEADER_BYTES));
    const decompressor = decompressorFor(header.compression);
    decompressor.on('data', (data: Buffer) => {
      this.plaintext += data.length;
      if (!this.push(data)) decompressor.pause();
    });
    decompressor.on('end', () => {
      this.push(null);
      this.finalCallback?.();
    });
    decompressor.on('error', (error: Error) => {
      // zstd refusing its input, or zlib's Z_DATA_ERROR and the like, mean damaged data; a zstd that
      // could not start is the worker's problem and keeps its own words.
      const damaged = error instanceof ZstdExitError || /^Z_/.test((error as NodeJS.ErrnoException).code ?? '');
      this.destroy(damaged ? new BackupIntegrityError(`its ${header.compression} data is damaged (${error.message})`) : error);
    });
    this.decompressor = decompressor;
    return true;
  }

  /** The chunk's plaintext, only once its tag verified. */
  private open(sealed: Buffer, last: boolean): Buffer {
    const index = this.index;
    const plaintext = this.tryOpen(sealed, index, last);
    if (plaintext) {
      this.index++;
      return plaintext;
    }
    // Only to say what happened: the chunk opens with the other flag.
    if (this.tryOpen(sealed, index, !last)) {
      throw new BackupIntegrityError(
        last ? `the object is cut short (it ends after chunk ${index + 1}, with no last chunk)` : `bytes follow its last chunk (${index + 1})`,
      );
    }
    throw new BackupIntegrityError(
      `chunk ${index + 1} failed authentication (the object was cut short or changed: a flipped, missing or reordered byte or chunk)`,
    );
  }

  private tryOpen(sealed: Buffer, index: number, last: boolean): Buffer | null {
    if (sealed.length < TAG_BYTES) return null;
    const decipher = createDecipheriv('aes-256-gcm', this.subkey as Buffer, nonceOf(index, last));
    decipher.setAAD((this.parsed as BackupHeader).bytes);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
    try {
      decipher.final();
    } catch {
      return null;
    }
    return plaintext;
  }
}

export function createBackupEncoder(options: BackupEncoderOptions): BackupEncoder {
  return new BackupEncoder(options);
}

export function createBackupDecoder(options: BackupDecoderOptions): BackupDecoder {
  return new BackupDecoder(options);
}
