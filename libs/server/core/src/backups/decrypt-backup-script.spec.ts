import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { keyId } from '../crypto/secret-box';
import { BACKUP_HEADER_BYTES, createBackupEncoder, type BackupArchiveCompression } from './backup-archive';

/** scripts/decrypt-backup.mjs, the restore without Zpanel, run as docs/backups.md says on what the encoder wrote. */
const script = resolve(__dirname, '../../../../../scripts/decrypt-backup.mjs');
const key = randomBytes(32);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zpanel-decrypt-'));
  writeFileSync(join(dir, 'key.b64'), `${key.toString('base64')}\n`);
  writeFileSync(join(dir, 'key.json'), JSON.stringify({ keyId: keyId(key), key: key.toString('base64') }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function encodeTo(file: string, data: Buffer, compression: BackupArchiveCompression, chunkSize?: number): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from([data]), createBackupEncoder({ dataKey: key, compression, chunkSize }), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  const stored = Buffer.concat(out);
  writeFileSync(file, stored);
  return stored;
}

function run(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [script, ...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr: stderr.toString() });
    });
  });
}

/** SQL-like text of about `bytes`, with random bytes in it. */
function dump(bytes: number): Buffer {
  const rows: string[] = [];
  for (let id = 0, size = 0; size < bytes; id++) {
    const row = `${id}\t${randomBytes(6).toString('hex')}\tcustomer ${id % 313}\tshipped\n`;
    rows.push(row);
    size += row.length;
  }
  return Buffer.from(rows.join(''));
}

describe('scripts/decrypt-backup.mjs', () => {
  it.each(['zstd', 'gzip', 'none'] as const)(
    'decrypts and decompresses a %s backup the encoder wrote',
    async (compression) => {
      const data = dump(3 * 1024 * 1024);
      const file = join(dir, `backup-${compression}.zpbk`);
      await encodeTo(file, data, compression);
      const out = join(dir, `dump-${compression}`);
      const result = await run(['--key-file', join(dir, 'key.json'), '--in', file, '--out', out]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(readFileSync(out).equals(data)).toBe(true);
    },
    30_000,
  );

  it('writes to standard output, and the still-compressed stream with --compressed', async () => {
    const data = dump(200_000);
    const file = join(dir, 'backup.zpbk');
    await encodeTo(file, data, 'gzip');
    const plain = await run(['--key-file', join(dir, 'key.b64'), '--in', file]);
    expect(plain.code).toBe(0);
    expect(plain.stdout.equals(data)).toBe(true);
    const compressed = await run(['--key-file', join(dir, 'key.b64'), '--in', file, '--compressed']);
    expect(compressed.code).toBe(0);
    expect(compressed.stderr).toContain('gzip-compressed');
    expect(compressed.stdout.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('fails loudly on a flipped byte, deletes --out and writes nothing of the failing chunk', async () => {
    const data = randomBytes(5 * 1024);
    const stored = await encodeTo(join(dir, 'ok.zpbk'), data, 'none', 1024);
    for (const at of [5, 20, BACKUP_HEADER_BYTES + 3, BACKUP_HEADER_BYTES + 2 * 1040 + 1039, stored.length - 1]) {
      const bad = Buffer.from(stored);
      bad[at] ^= 0x80;
      writeFileSync(join(dir, 'bad.zpbk'), bad);
      const out = join(dir, 'bad-dump');
      const result = await run(['--key-file', join(dir, 'key.b64'), '--in', join(dir, 'bad.zpbk'), '--out', out]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/decrypt-backup: (the backup could not be decrypted|.*not a Zpanel backup)/);
      expect(existsSync(out)).toBe(false);
      const toStdout = await run(['--key-file', join(dir, 'key.b64'), '--in', join(dir, 'bad.zpbk')]);
      expect(toStdout.code).toBe(1);
      // Whole chunks before the damaged one at most.
      expect(data.subarray(0, toStdout.stdout.length).equals(toStdout.stdout)).toBe(true);
      expect(toStdout.stdout.length % 1024).toBe(0);
      expect(toStdout.stdout.length).toBeLessThanOrEqual((Math.max(0, at - BACKUP_HEADER_BYTES) / 1040) * 1024);
    }
  }, 30_000);

  it('fails on a wrong key, naming both, and on a cut at a chunk boundary', async () => {
    const stored = await encodeTo(join(dir, 'k.zpbk'), randomBytes(3 * 1024), 'zstd', 1024);
    const other = randomBytes(32);
    writeFileSync(join(dir, 'other.b64'), other.toString('base64'));
    const wrong = await run(['--key-file', join(dir, 'other.b64'), '--in', join(dir, 'k.zpbk')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`encrypted with key ${keyId(key)}, the key given is ${keyId(other)}`);
    expect(wrong.stdout.length).toBe(0);
    writeFileSync(join(dir, 'cut.zpbk'), stored.subarray(0, BACKUP_HEADER_BYTES + 1040));
    const cut = await run(['--key-file', join(dir, 'key.b64'), '--in', join(dir, 'cut.zpbk')]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain('cut short');
  });

  it('answers a usage error with status 2', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--key-file is required');
  });
});
