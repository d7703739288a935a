import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { keyId } from '../crypto/secret-box';
import { ReasonError } from '../errors/reason-error';
import {
  BACKUP_HEADER_BYTES,
  BackupIntegrityError,
  createBackupDecoder,
  createBackupEncoder,
  parseBackupHeader,
  type BackupArchiveCompression,
  type BackupDecoderOptions,
} from './backup-archive';
import { ZstdProcess } from './zstd-process';

const KIB = 1024;
const key = randomBytes(32);
const otherKey = randomBytes(32);

function chunksOf(data: Buffer, size = 7_777): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) chunks.push(data.subarray(offset, offset + size));
  return chunks;
}

async function encode(data: Buffer, compression: BackupArchiveCompression, chunkSize?: number): Promise<Buffer> {
  const out: Buffer[] = [];
  const encoder = createBackupEncoder({ dataKey: key, compression, chunkSize });
  await pipeline(Readable.from(chunksOf(data)), encoder, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  const stored = Buffer.concat(out);
  expect(encoder.plaintextBytes).toBe(data.length);
  expect(encoder.storedBytes).toBe(stored.length);
  return stored;
}

/** What the decoder emitted before it finished or failed, and how it failed. */
async function decode(stored: Buffer, options: BackupDecoderOptions = { dataKey: key }): Promise<{ output: Buffer; error: Error | null }> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.push(chunk);
      callback();
    },
  });
  const error = await pipeline(Readable.from(chunksOf(stored, 3_001)), createBackupDecoder(options), sink).then(
    () => null,
    (e: Error) => e,
  );
  return { output: Buffer.concat(out), error };
}

async function decodeOk(stored: Buffer, options?: BackupDecoderOptions): Promise<Buffer> {
  const { output, error } = await decode(stored, options);
  if (error) throw error;
  return output;
}

async function expectIntegrityFailure(stored: Buffer, message?: RegExp): Promise<Error> {
  const { error } = await decode(stored);
  expect(error).toBeInstanceOf(BackupIntegrityError);
  if (message) expect(error?.message).toMatch(message);
  return error as Error;
}

/** Text-like data (SQL rows) that compresses well. */
function rows(bytes: number): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let id = 1; size < bytes; id++) {
    const line = `${id}\tuser${id % 977}@example.com\t2026-01-${String((id % 28) + 1).padStart(2, '0')}\t${(id * 7919) % 100000}\tshipped\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

/** toEqual walks a Buffer byte by byte, far too slowly for megabytes. */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.equals(expected)).toBe(true);
}

function flip(stored: Buffer, at: number): Buffer {
  const copy = Buffer.from(stored);
  copy[at] ^= 0x01;
  return copy;
}

describe('backup archive round trips', () => {
  const chunk = KIB;
  const sizes: [string, number][] = [
    ['empty', 0],
    ['1 byte', 1],
    ['exactly one chunk', chunk],
    ['one chunk and a byte', chunk + 1],
    ['exactly three chunks', 3 * chunk],
  ];

  for (const compression of ['none', 'gzip', 'zstd'] as const) {
    it.each(sizes)(`${compression}: %s`, async (_name, size) => {
      const data = randomBytes(size);
      expect(await decodeOk(await encode(data, compression, chunk))).toEqual(data);
    });

    it(`${compression}: several MB of random and of compressible data, default chunk size`, async () => {
      const random = randomBytes(3 * 1024 * KIB + 5);
      expectSameBytes(await decodeOk(await encode(random, compression)), random);
      const text = rows(5 * 1024 * KIB);
      const stored = await encode(text, compression);
      if (compression !== 'none') expect(stored.length).toBeLessThan(text.length / 3);
      expectSameBytes(await decodeOk(stored), text);
    }, 30_000);
  }

  it('writes the header the format describes, with a fresh salt per object', async () => {
    const first = parseBackupHeader(await encode(Buffer.from('x'), 'zstd'));
    const second = parseBackupHeader(await encode(Buffer.from('x'), 'zstd'));
    expect(first).toMatchObject({ version: 1, compression: 'zstd', chunkSize: 64 * KIB, keyId: keyId(key) });
    expect(first.bytes.subarray(0, 8).toString()).toBe('ZPBACKUP');
    expect(first.salt).not.toEqual(second.salt);
  });

  it('refuses bad options before starting anything', () => {
    const options = { dataKey: key, compression: 'zstd' as const };
    expect(() => createBackupEncoder({ ...options, dataKey: randomBytes(16) })).toThrow('32 bytes');
    expect(() => createBackupEncoder({ ...options, chunkSize: 1000 })).toThrow('power of two');
    expect(() => createBackupEncoder({ ...options, chunkSize: 2 ** 25 })).toThrow('power of two');
    for (const level of [0, 20, 2.5, NaN, -1]) expect(() => createBackupEncoder({ ...options, level })).toThrow('integer from 1 to 19');
    expect(() => createBackupEncoder({ ...options, compression: 'gzip', level: 10 })).toThrow('integer from 1 to 9');
    expect(() => createBackupEncoder({ ...options, compression: 'toString' as BackupArchiveCompression })).toThrow('unknown backup compression');
    expect(() => createBackupDecoder({ keys: [key, randomBytes(31)] })).toThrow('32 bytes');
  });

  it('compresses at the level asked', async () => {
    const text = rows(1024 * KIB);
    const fast = createBackupEncoder({ dataKey: key, compression: 'gzip', level: 1 });
    const small = createBackupEncoder({ dataKey: key, compression: 'gzip', level: 9 });
    for (const encoder of [fast, small]) await pipeline(Readable.from([text]), encoder, new Writable({ write: (_c, _e, callback) => callback() }));
    expect(small.storedBytes).toBeLessThan(fast.storedBytes);
  });

  it('reads an object that arrives in pieces of any size, header split included', async () => {
    const data = randomBytes(5 * KIB + 3);
    const stored = await encode(data, 'none', KIB);
    const pieces: Buffer[] = [];
    for (let offset = 0, size = 1; offset < stored.length; offset += size, size = (size * 7 + 3) % 97 || 1)
      pieces.push(stored.subarray(offset, offset + size));
    const out: Buffer[] = [];
    await pipeline(Readable.from(pieces), createBackupDecoder({ dataKey: key }), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    });
    expect(Buffer.concat(out)).toEqual(data);
  });

  it('picks the key named in the header among several', async () => {
    const stored = await encode(Buffer.from('hello'), 'gzip');
    expect((await decodeOk(stored, { keys: [otherKey, key] })).toString()).toBe('hello');
  });

  it('is a ReasonError with the integrity code, for the runner to show', async () => {
    const error = await expectIntegrityFailure(flip(await encode(Buffer.from('hello'), 'none'), BACKUP_HEADER_BYTES));
    expect(error).toBeInstanceOf(ReasonError);
    expect((error as ReasonError).code).toBe('backup.integrity_failed');
  });
});

/**
 * The format as docs/backups.md writes it, built here without the encoder: the decoder must read it,
 * and it lets the specs seal what the encoder never would (damaged compressed data).
 */
function sealByHand(plaintext: Buffer, compressionId: number, chunkLog2 = 10, dataKey = key): Buffer {
  const salt = randomBytes(32);
  const header = Buffer.concat([Buffer.from('ZPBACKUP'), Buffer.from([1, compressionId, chunkLog2, 0]), Buffer.from(keyId(dataKey)), salt]);
  const subkey = Buffer.from(hkdfSync('sha256', dataKey, salt, 'zpanel-backup v1', 32));
  const size = 2 ** chunkLog2;
  const parts = [header];
  const count = Math.max(1, Math.ceil(plaintext.length / size));
  for (let index = 0; index < count; index++) {
    const nonce = Buffer.alloc(12);
    nonce.writeUIntBE(index, 5, 6);
    nonce[11] = index === count - 1 ? 1 : 0;
    const cipher = createCipheriv('aes-256-gcm', subkey, nonce);
    cipher.setAAD(header);
    parts.push(cipher.update(plaintext.subarray(index * size, (index + 1) * size)), cipher.final(), cipher.getAuthTag());
  }
  return Buffer.concat(parts);
}

describe('backup archive format', () => {
  it('reads an object built by hand from the documented format', async () => {
    const data = randomBytes(2_500);
    expect(await decodeOk(sealByHand(data, 0))).toEqual(data);
    expect(await decodeOk(sealByHand(gzipSync(data), 2))).toEqual(data);
  });

  it('fails on damaged compressed data inside valid chunks', async () => {
    await expectIntegrityFailure(sealByHand(randomBytes(3_000), 1), /zstd data is damaged/);
    await expectIntegrityFailure(sealByHand(randomBytes(3_000), 2), /gzip data is damaged/);
    await expectIntegrityFailure(sealByHand(gzipSync(randomBytes(3_000)).subarray(0, 1_000), 2), /gzip data is damaged/);
  });
});

describe('backup archive failures', () => {
  const chunk = KIB;
  // 'none' keeps chunks one to one with plaintext: 2.5 chunks of data, 3 sealed chunks.
  const data = randomBytes(2 * chunk + chunk / 2);
  let stored: Buffer;
  const sealed = chunk + 16;
  const chunkStart = (n: number) => BACKUP_HEADER_BYTES + n * sealed;

  beforeAll(async () => {
    stored = await encode(data, 'none', chunk);
    expect(stored.length).toBe(BACKUP_HEADER_BYTES + 2 * sealed + chunk / 2 + 16);
  });

  it('names both keys on a wrong key', async () => {
    const { error, output } = await decode(stored, { dataKey: otherKey });
    expect(error).toBeInstanceOf(BackupIntegrityError);
    expect(error?.message).toContain(`encrypted with key ${keyId(key)}, this destination's key is ${keyId(otherKey)}`);
    expect(output.length).toBe(0);
  });

  /** Every header byte, both ends of every chunk and its tag, and every 29th byte between. */
  const positions = () =>
    [...Array(stored.length).keys()].filter((at) => {
      const inChunk = (at - BACKUP_HEADER_BYTES) % sealed;
      return at <= BACKUP_HEADER_BYTES || inChunk < 4 || inChunk >= sealed - 20 || at >= stored.length - 20 || at % 29 === 0;
    });

  it('fails on a flipped bit in any byte: header, every chunk, every tag', async () => {
    expect(positions().length).toBeGreaterThan(200);
    for (const at of positions()) {
      const { error } = await decode(flip(stored, at));
      if (!(error instanceof BackupIntegrityError)) throw new Error(`a flipped byte at ${at} was not caught: ${String(error)}`);
    }
  });

  it('fails on every truncation, at a chunk boundary with a message that says so', async () => {
    for (const length of positions()) {
      const { error } = await decode(stored.subarray(0, length));
      if (!(error instanceof BackupIntegrityError)) throw new Error(`a cut at ${length} bytes was not caught: ${String(error)}`);
    }
    await expectIntegrityFailure(stored.subarray(0, chunkStart(2)), /cut short \(it ends after chunk 2, with no last chunk\)/);
    await expectIntegrityFailure(stored.subarray(0, BACKUP_HEADER_BYTES), /cut short/);
    await expectIntegrityFailure(stored.subarray(0, 10), /cut short \(10 bytes, no whole header\)/);
    await expectIntegrityFailure(Buffer.alloc(0), /cut short/);
  });

  it('fails on reordered, dropped and duplicated chunks', async () => {
    const [c0, c1, rest] = [
      stored.subarray(chunkStart(0), chunkStart(1)),
      stored.subarray(chunkStart(1), chunkStart(2)),
      stored.subarray(chunkStart(2)),
    ];
    const header = stored.subarray(0, BACKUP_HEADER_BYTES);
    await expectIntegrityFailure(Buffer.concat([header, c1, c0, rest]), /chunk 1 failed authentication/);
    await expectIntegrityFailure(Buffer.concat([header, c0, rest]), /chunk 2 failed authentication/);
    await expectIntegrityFailure(Buffer.concat([header, c0, c0, c1, rest]), /chunk 2 failed authentication/);
  });

  it('fails on bytes after the last chunk', async () => {
    await expectIntegrityFailure(Buffer.concat([stored, Buffer.from([0])]));
    // A whole-chunk-sized object followed by anything: its last chunk no longer reads as the last.
    const whole = await encode(randomBytes(chunk), 'none', chunk);
    await expectIntegrityFailure(Buffer.concat([whole, randomBytes(40)]), /bytes follow its last chunk \(1\)/);
    await expectIntegrityFailure(Buffer.concat([stored, stored.subarray(BACKUP_HEADER_BYTES)]));
  });

  it('fails on a header from another object', async () => {
    const other = await encode(data, 'none', chunk);
    await expectIntegrityFailure(Buffer.concat([other.subarray(0, BACKUP_HEADER_BYTES), stored.subarray(BACKUP_HEADER_BYTES)]), /chunk 1 failed/);
  });

  it('says what is wrong with a header that is not one', async () => {
    await expectIntegrityFailure(Buffer.concat([Buffer.from('PGDMP'), randomBytes(100)]), /not a Zpanel backup/);
    const header = Buffer.from(stored.subarray(0, BACKUP_HEADER_BYTES));
    header[8] = 2;
    await expectIntegrityFailure(Buffer.concat([header, stored.subarray(BACKUP_HEADER_BYTES)]), /format version 2/);
  });

  it('never emits the plaintext of a chunk whose tag fails, even when its ciphertext is intact', async () => {
    // The second chunk's tag is changed, its ciphertext is not: GCM's update() would already have
    // returned the right plaintext for it. Only the first chunk may come out.
    const tagOfSecond = chunkStart(2) - 1;
    const { output, error } = await decode(flip(stored, tagOfSecond));
    expect(error).toBeInstanceOf(BackupIntegrityError);
    expect(output).toEqual(data.subarray(0, chunk));
    // The last chunk, likewise.
    const last = await decode(flip(stored, stored.length - 1));
    expect(last.error).toBeInstanceOf(BackupIntegrityError);
    expect(last.output).toEqual(data.subarray(0, 2 * chunk));
  });
});

describe('backup archive streaming', () => {
  /**
   * Produces `total` bytes on demand, counting what it handed out: text-like rows with fresh random
   * bytes in each block, so that even zstd's output is a quarter of the input and fills the buffers
   * downstream (repeated blocks would compress to nothing and never push back).
   */
  function producer(total: number): Readable & { produced: number } {
    const text = rows(48 * KIB);
    const stream = new Readable({
      highWaterMark: 64 * KIB,
      read() {
        if (stream.produced >= total) return void this.push(null);
        const piece = Buffer.concat([text, randomBytes(16 * KIB)]);
        stream.produced += piece.length;
        this.push(piece);
      },
    }) as Readable & { produced: number };
    stream.produced = 0;
    return stream;
  }

  /** Waits until `value()` stops changing across a few polls: the pipeline settled. */
  async function settled(value: () => number): Promise<number> {
    let last = -1;
    let same = 0;
    for (let poll = 0; poll < 200 && same < 5; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const now = value();
      same = now === last ? same + 1 : 0;
      last = now;
    }
    return last;
  }

  it.each(['zstd', 'gzip', 'none'] as const)(
    '%s: a consumer that stops reading stops the producer; 128 MB then pass through to the decoder intact',
    async (compression) => {
      const total = 128 * 1024 * KIB;
      const source = producer(total);
      const encoder = createBackupEncoder({ dataKey: key, compression });
      const decoder = createBackupDecoder({ dataKey: key });
      const hashIn = createHash('sha256');
      const hashOut = createHash('sha256');
      let received = 0;
      let release: () => void = () => undefined;
      let paused = true;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const consumer = new Writable({
        highWaterMark: 64 * KIB,
        write(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          hashOut.update(chunk);
          if (paused) void gate.then(() => callback());
          else callback();
        },
      });
      source.on('data', (chunk: Buffer) => hashIn.update(chunk));
      const done = pipeline(source, encoder, decoder, consumer);

      try {
        const producedWhileBlocked = await settled(() => source.produced);
        // Pipes and buffers between the stages hold a few MB, and the zstd command reads ahead
        // up to its 8 MB job size (about 26 MB in all, measured); without backpressure the
        // producer would have run through all 128 MB.
        expect(producedWhileBlocked).toBeLessThan(48 * 1024 * KIB);
        expect(received).toBeLessThan(2 * 1024 * KIB);
      } catch (error) {
        source.destroy();
        throw error;
      } finally {
        paused = false;
        release();
      }
      await done;
      expect(received).toBe(total);
      expect(encoder.plaintextBytes).toBe(total);
      expect(decoder.plaintextBytes).toBe(total);
      expect(hashOut.digest('hex')).toBe(hashIn.digest('hex'));
    },
    120_000,
  );

  it('a worker without the zstd command says so in words, not as damaged data', async () => {
    const stored = await encode(Buffer.from('hello'), 'zstd');
    ZstdProcess.command = 'zpanel-no-such-zstd';
    try {
      const encoding = pipeline(Readable.from([Buffer.from('hello')]), createBackupEncoder({ dataKey: key, compression: 'zstd' }), new PassThrough());
      const decoding = decode(stored);
      await expect(encoding).rejects.toMatchObject({ code: 'backup.internal', reason: expect.stringContaining('zstd command is not installed') });
      const { error } = await decoding;
      expect(error).not.toBeInstanceOf(BackupIntegrityError);
      expect((error as ReasonError).reason).toContain('zstd command is not installed');
    } finally {
      ZstdProcess.command = 'zstd';
    }
  });

  it('destroying the coders ends their zstd processes', async () => {
    const encoder = createBackupEncoder({ dataKey: key, compression: 'zstd' });
    const pid = (encoder as unknown as { compressor: { pid: number } }).compressor.pid;
    expect(processAlive(pid)).toBe(true);
    encoder.write(randomBytes(100 * KIB));
    encoder.destroy();
    await waitFor(() => !processAlive(pid));
  });

  it('a failure downstream destroys the encoder and its process', async () => {
    const encoder = createBackupEncoder({ dataKey: key, compression: 'zstd' });
    const pid = (encoder as unknown as { compressor: { pid: number } }).compressor.pid;
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('S3 went away'));
      },
    });
    await expect(pipeline(producer(64 * 1024 * KIB), encoder, failing)).rejects.toThrow('S3 went away');
    await waitFor(() => !processAlive(pid));
  });
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let poll = 0; poll < 250 && !condition(); poll++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(condition()).toBe(true);
}
