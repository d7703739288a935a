import { type Hash, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { testSshTarget } from '@zpanel/testing';
import { type PooledTarget, SshPool } from '../ssh/ssh-pool';
import { sha256Of } from './digest';
import { StorageError } from './object-store';
import { ServerDirectoryStore } from './server-directory-store';

// The test sshd logs in as root on this machine: the "server's" files are this machine's.
const MIB = 1024 * 1024;

function target(): PooledTarget {
  const t = testSshTarget();
  return { id: 'store-test-server', host: t.host, port: t.port, username: t.username, privateKey: readFileSync(t.privateKeyPath) };
}

function randomStream(size: number, onChunk?: (sent: number) => void, hash?: Hash): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const chunk = randomBytes(Math.min(MIB, size - sent));
      sent += chunk.length;
      hash?.update(chunk);
      onChunk?.(sent);
      this.push(chunk);
    },
  });
}

async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

describe('ServerDirectoryStore over the test sshd', () => {
  const pool = new SshPool();
  let base: string;
  let root: string;
  const signal = () => new AbortController().signal;
  const store = (directory: string, roots = [root]) => new ServerDirectoryStore(pool.shell(target()), directory, roots, 'test-server');

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'zpanel-dir-store-'));
    root = join(base, 'root');
    mkdirSync(root);
    mkdirSync(join(base, 'outside'));
  });
  afterAll(() => {
    pool.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('puts 8 MB (verified by sha256sum on the server), heads, lists, reads back and deletes; no temporary file is left', async () => {
    const s = store(join(root, 'backups'));
    const hash = createHash('sha256');
    const body = randomStream(8 * MIB, undefined, hash);
    const result = await s.put('db-1/2026/one.zst', body, { signal: signal(), metadata: { 'zpanel-backup-id': 'b-1' } });
    const sha256 = hash.digest('hex');
    expect(result).toEqual({ sizeBytes: 8 * MIB, sha256, verifiedBy: 'sha256sum' });
    expect(await s.head('db-1/2026/one.zst')).toMatchObject({ sizeBytes: 8 * MIB, metadata: { 'zpanel-backup-id': 'b-1' } });
    expect((await s.list('db-1/')).map((o) => [o.key, o.sizeBytes])).toEqual([['db-1/2026/one.zst', 8 * MIB]]);
    expect(await sha256Of(await s.get('db-1/2026/one.zst'))).toEqual({ sha256, sizeBytes: 8 * MIB });
    expect(readdirSync(join(root, 'backups', 'db-1', '2026'))).toEqual(['one.zst', 'one.zst.zpanel-meta.json']);
    await s.delete('db-1/2026/one.zst');
    expect(await s.head('db-1/2026/one.zst')).toBeNull();
    expect(await s.list('')).toEqual([]);
    await expect(s.get('db-1/2026/one.zst').then(sha256Of)).rejects.toMatchObject({ code: 'not-found' });
    expect(await s.presignedGetUrl()).toBeNull();
  }, 180_000);

  it('check writes, reads and deletes a file; a missing directory is created under the root', async () => {
    const s = store(join(root, 'new', 'dir'));
    await s.check();
    expect(readdirSync(join(root, 'new', 'dir'))).toEqual([]);
  });

  it('refuses a directory that escapes the allowed root through a symlink, and one outside it, creating nothing', async () => {
    symlinkSync(join(base, 'outside'), join(root, 'escape'));
    for (const directory of [join(root, 'escape', 'backups'), join(base, 'outside'), '/etc', join(root, '..', 'outside')]) {
      const s = store(directory);
      const error = await rejection(s.check());
      expect(error.code).toBe('refused');
      const put = await rejection(s.put('k', Readable.from([Buffer.from('x')]), { signal: signal() }));
      expect(put.code).toBe('refused');
    }
    expect(readdirSync(join(base, 'outside'))).toEqual([]);
    // A server whose owners allowed no root refuses everything.
    expect((await rejection(store(join(root, 'backups'), []).check())).code).toBe('refused');
  });

  it('refuses a key whose directory is a link out of the destination', async () => {
    mkdirSync(join(root, 'linked'), { recursive: true });
    symlinkSync(join(base, 'outside'), join(root, 'linked', 'db'));
    const error = await rejection(store(join(root, 'linked')).put('db/x.zst', Readable.from([Buffer.from('x')]), { signal: signal() }));
    expect(error.code).toBe('refused');
    expect(readdirSync(join(base, 'outside'))).toEqual([]);
  });

  it('a failing source or an abort removes the temporary file and leaves no object', async () => {
    const directory = join(root, 'failing');
    const s = store(directory);
    const body = randomStream(30 * MIB, (sent) => {
      if (sent >= 5 * MIB) process.nextTick(() => body.destroy(new Error('encrypt failed')));
    });
    const error = await rejection(s.put('a.zst', body, { signal: signal() }));
    expect(error).toMatchObject({ code: 'source', message: 'the data to store failed: encrypt failed' });
    const controller = new AbortController();
    const aborted = randomStream(30 * MIB, (sent) => {
      if (sent >= 5 * MIB) controller.abort();
    });
    expect((await rejection(s.put('b.zst', aborted, { signal: controller.signal }))).code).toBe('aborted');
    expect(readdirSync(directory)).toEqual([]);
  }, 180_000);

  it("fails a put on a full disk with the system's words, and leaves no object nor temporary file", async () => {
    // A 2 MiB filesystem of its own: the test runs as root on this machine, as the sshd does.
    const full = join(root, 'full');
    mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'zpanel-test-full', full]);
    try {
      const error = await rejection(store(full).put('db/big.zst', randomStream(8 * MIB), { signal: signal() }));
      expect(error.message).toMatch(/No space left on device/);
      expect(readdirSync(full).flatMap((entry) => readdirSync(join(full, entry)))).toEqual([]);
      // Room again: the same store works.
      expect((await store(full).put('db/small.zst', randomStream(MIB), { signal: signal() })).sizeBytes).toBe(MIB);
    } finally {
      execFileSync('umount', [full]);
    }
  }, 60_000);

  it('refuses hostile keys before any command', async () => {
    const s = store(join(root, 'keys'));
    for (const key of ['../x', '/abs', 'a/../../b', '-rf', '.hidden', 'a b', 'a\nb', `x${'.zpanel-tmp-'}1`, '']) {
      expect((await rejection(s.put(key, Readable.from([Buffer.from('x')]), { signal: signal() }))).message).toMatch(/^the key /);
    }
    expect(existsSync(join(root, 'keys'))).toBe(false);
  });

  it('a file in the directory with an odd name is not listed', async () => {
    const directory = join(root, 'odd');
    mkdirSync(directory);
    writeFileSync(join(directory, 'tab\tname'), 'x');
    writeFileSync(join(directory, 'ok.zst'), 'x');
    expect((await store(directory).list('')).map((o) => o.key)).toEqual(['ok.zst']);
  });
});
