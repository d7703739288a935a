#!/usr/bin/env node
// Decrypts a Zpanel backup object without Zpanel (docs/backups.md, "Decrypting without Zpanel"):
//
//   node decrypt-backup.mjs --key-file key.b64 < backup.zpbk > dump
//   node decrypt-backup.mjs --key-file key.json --in backup.zpbk --out dump
//   node decrypt-backup.mjs --key-file key.b64 --compressed < backup.zpbk | zstd -d > dump
//
// The key file holds the destination's data key: its base64 (32 bytes), or the JSON that
// GET /api/v1/backup-destinations/{id}/key answers. Node's standard library only, so that this one
// file, copied anywhere with Node 18 or newer, restores a backup; it repeats the format that
// libs/server/core/src/backups/backup-archive.ts writes, and a spec there runs it on the encoder's
// output. It fails loudly (exit status 1, nothing written from a chunk that failed) on a wrong key,
// a changed, cut or extended object; bytes of earlier chunks may already be out by then, so a
// non-zero exit status means the output is void (--out deletes it).
import { spawn } from 'node:child_process';
import { createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, rmSync } from 'node:fs';
import { Duplex, PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';

const MAGIC = Buffer.from('ZPBACKUP', 'ascii');
const HEADER_BYTES = 56;
const TAG_BYTES = 16;
const COMPRESSIONS = ['none', 'zstd', 'gzip'];

class IntegrityError extends Error {}

function usage(message) {
  process.stderr.write(
    `${message ? `decrypt-backup: ${message}\n` : ''}usage: node decrypt-backup.mjs --key-file FILE [--in FILE] [--out FILE] [--compressed]\n` +
      '  --key-file  the destination data key: base64, or the JSON of GET /api/v1/backup-destinations/{id}/key\n' +
      '  --in, --out files instead of standard input and output\n' +
      "  --compressed write the decrypted but still compressed stream (the header's compression is printed on stderr)\n",
  );
  process.exit(2);
}

function parseArgs(argv) {
  const options = { compressed: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--compressed') options.compressed = true;
    else if (arg === '--key-file' || arg === '--in' || arg === '--out') {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      options[arg.slice(2).replace('-file', 'File')] = argv[++i];
    } else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown argument ${arg}`);
  }
  if (!options.keyFile) usage('--key-file is required');
  return options;
}

function readKey(file) {
  const text = readFileSync(file, 'utf8').trim();
  const base64 = text.startsWith('{') ? JSON.parse(text).key : text;
  const key = Buffer.from(String(base64), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key in base64`);
  return key;
}

const keyIdOf = (key) => createHash('sha256').update(key).digest('hex').slice(0, 12);

function nonceOf(index, last) {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(index, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Header, then chunks; a chunk's plaintext is pushed only after its tag verified. */
function decryptor(key) {
  let header = null;
  let subkey = null;
  let sealedSize = 0;
  let input = Buffer.alloc(0);
  let index = 0;

  const open = (sealed, last) => {
    const attempt = (flag) => {
      if (sealed.length < TAG_BYTES) return null;
      const decipher = createDecipheriv('aes-256-gcm', subkey, nonceOf(index, flag));
      decipher.setAAD(header);
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
      try {
        decipher.final();
        return plaintext;
      } catch {
        return null;
      }
    };
    const plaintext = attempt(last);
    if (plaintext) {
      index++;
      return plaintext;
    }
    if (attempt(!last)) {
      throw new IntegrityError(
        last ? `the object is cut short (it ends after chunk ${index + 1}, with no last chunk)` : `bytes follow its last chunk (${index + 1})`,
      );
    }
    throw new IntegrityError(
      `chunk ${index + 1} failed authentication (the object was cut short or changed: a flipped, missing or reordered byte or chunk)`,
    );
  };

  const readHeader = () => {
    const bytes = Buffer.from(input.subarray(0, HEADER_BYTES));
    if (!bytes.subarray(0, 8).equals(MAGIC)) throw new IntegrityError('this is not a Zpanel backup (no ZPBACKUP header)');
    if (bytes[8] !== 1) throw new IntegrityError(`format version ${bytes[8]} is not one this script reads (it reads 1)`);
    if (!COMPRESSIONS[bytes[9]]) throw new IntegrityError(`unknown compression id ${bytes[9]} in the header`);
    if (bytes[10] < 10 || bytes[10] > 24) throw new IntegrityError(`chunk size 2^${bytes[10]} in the header is out of range`);
    if (bytes[11] !== 0) throw new IntegrityError('the header is damaged (reserved byte set)');
    const keyId = bytes.subarray(12, 24).toString('latin1');
    if (keyId !== keyIdOf(key)) throw new IntegrityError(`it was encrypted with key ${keyId}, the key given is ${keyIdOf(key)}`);
    header = bytes;
    subkey = Buffer.from(hkdfSync('sha256', key, bytes.subarray(24, 56), 'zpanel-backup v1', 32));
    sealedSize = 2 ** bytes[10] + TAG_BYTES;
    input = Buffer.from(input.subarray(HEADER_BYTES));
  };

  return new Transform({
    transform(chunk, _encoding, callback) {
      try {
        input = input.length === 0 ? chunk : Buffer.concat([input, chunk]);
        if (!header) {
          if (input.length < HEADER_BYTES) return callback();
          readHeader();
        }
        let offset = 0;
        // The last whole chunk waits for a following byte: at the end it must open as the last one.
        while (input.length - offset > sealedSize) {
          this.push(open(input.subarray(offset, offset + sealedSize), false));
          offset += sealedSize;
        }
        if (offset > 0) input = Buffer.from(input.subarray(offset));
        callback();
      } catch (error) {
        callback(error);
      }
    },
    flush(callback) {
      try {
        if (!header) throw new IntegrityError(`the object is cut short (${input.length} bytes, no whole header)`);
        if (input.length < TAG_BYTES) throw new IntegrityError(`the object is cut short (it ends after chunk ${index}, with no last chunk)`);
        this.push(open(input, true));
        callback();
      } catch (error) {
        callback(error);
      }
    },
  });
}

/** The zstd command as a Duplex, for a Node without zlib zstd (before 22.15): its output ends only once it exited 0. */
class ZstdCommand extends Duplex {
  constructor() {
    super();
    this.child = spawn('zstd', ['-d', '-q', '-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.on('error', (error) =>
      this.destroy(
        error.code === 'ENOENT' ? new Error('this Node has no zstd: install the zstd command, or use --compressed and pipe into `zstd -d`') : error,
      ),
    );
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.on('data', (data) => {
      if (!this.push(data)) this.child.stdout.pause();
    });
    this.child.on('close', (code, signal) => {
      if (this.destroyed) return;
      if (code === 0) this.push(null);
      else this.destroy(new IntegrityError(`its zstd data is damaged (zstd -d exited with ${code ?? signal})`));
    });
  }
  _write(chunk, _encoding, callback) {
    if (this.child.stdin.write(chunk)) callback();
    else this.child.stdin.once('drain', () => callback());
  }
  _final(callback) {
    this.child.stdin.end();
    callback();
  }
  _read() {
    this.child.stdout.resume();
  }
  _destroy(error, callback) {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    callback(error);
  }
}

function decompressor(compression) {
  if (compression === 'gzip') return zlib.createGunzip();
  if (compression === 'zstd') return typeof zlib.createZstdDecompress === 'function' ? zlib.createZstdDecompress() : new ZstdCommand();
  return new PassThrough();
}

/** The input with its first bytes read ahead, to pick the decompressor from the header's compression byte. */
async function peek(input, bytes) {
  const chunks = input[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < bytes) {
    const { value, done } = await chunks.next();
    if (done) break;
    head = Buffer.concat([head, value]);
  }
  async function* rest() {
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  return { head, stream: Readable.from(rest(), { objectMode: false }) };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const key = readKey(options.keyFile);
  const { head, stream } = await peek(options.in ? createReadStream(options.in) : process.stdin, HEADER_BYTES);
  // The decryptor checks the whole header; an unknown compression byte fails there.
  const compression = COMPRESSIONS[head[9]] ?? 'none';
  if (options.compressed) process.stderr.write(`decrypt-backup: the output is ${compression}-compressed\n`);
  const stages = [stream, decryptor(key)];
  if (!options.compressed) stages.push(decompressor(compression));
  if (!options.out) return pipeline(...stages, process.stdout);
  try {
    await pipeline(...stages, createWriteStream(options.out));
  } catch (error) {
    rmSync(options.out, { force: true });
    throw error;
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`decrypt-backup: ${error instanceof IntegrityError ? 'the backup could not be decrypted: ' : ''}${error.message}\n`);
  process.exit(1);
}
