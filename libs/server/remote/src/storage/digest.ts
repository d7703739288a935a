import { type Hash, createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface Digests {
  sizeBytes: number;
  sha256: string;
  /** MD5 of the whole body: a single-part S3 object's ETag. */
  md5: string;
  /** MD5 of the concatenated part MD5s, `-` the part count: a multipart S3 object's ETag. */
  multipartEtag: string;
}

/**
 * Passes bytes through unchanged while hashing them: SHA-256 (what a backup records), MD5 of the
 * whole, and MD5 per `partSizeBytes` slice (the ETag S3 gives an object uploaded in parts of that
 * size), so the stored object can be checked without reading it again.
 */
export class DigestingStream extends Transform {
  private readonly sha256 = createHash('sha256');
  private readonly md5 = createHash('md5');
  private readonly partMd5s: Buffer[] = [];
  private part: Hash = createHash('md5');
  private partBytes = 0;
  private bytes = 0;

  constructor(
    private readonly partSizeBytes: number,
    private readonly onProgress?: (bytes: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.sha256.update(chunk);
    this.md5.update(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.partSizeBytes - this.partBytes, chunk.length - offset);
      this.part.update(chunk.subarray(offset, offset + take));
      this.partBytes += take;
      offset += take;
      if (this.partBytes === this.partSizeBytes) this.closePart();
    }
    this.bytes += chunk.length;
    this.onProgress?.(this.bytes);
    callback(null, chunk);
  }

  private closePart(): void {
    this.partMd5s.push(this.part.digest());
    this.part = createHash('md5');
    this.partBytes = 0;
  }

  /** Once the stream has ended. */
  digests(): Digests {
    if (this.partBytes > 0 || this.partMd5s.length === 0) this.closePart();
    const md5s = this.partMd5s;
    return {
      sizeBytes: this.bytes,
      sha256: this.sha256.digest('hex'),
      md5: this.md5.digest('hex'),
      multipartEtag: `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${md5s.length}`,
    };
  }
}

/** SHA-256 (hex) and size of a stream read to its end. */
export async function sha256Of(stream: AsyncIterable<Buffer | Uint8Array | string>): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    hash.update(buffer);
    sizeBytes += buffer.length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}

/**
 * Whether an S3 ETag says the object is what was sent: `equal` (an MD5 form we computed), `differs`
 * (an ETag of the multipart MD5 form with our part count that does not match: the bytes differ), or
 * `unknown` (another form, such as SSE-KMS or SSE-C ETags, or a server's own: read the object back).
 */
export function etagVerdict(etag: string | undefined, digests: Digests, encrypted: boolean): 'equal' | 'differs' | 'unknown' {
  const bare = (etag ?? '').replace(/^W\//, '').replace(/"/g, '').toLowerCase();
  if (bare === digests.multipartEtag || bare === digests.md5) return 'equal';
  if (!encrypted && /^[0-9a-f]{32}-\d+$/.test(bare) && bare.endsWith(`-${digests.multipartEtag.split('-')[1]}`)) return 'differs';
  return 'unknown';
}
