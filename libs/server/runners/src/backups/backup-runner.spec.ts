import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { BackupInventory } from '@zpanel/contracts';
import { BackupToolError, TarInventory } from '@zpanel/remote';
import { pack } from 'tar-stream';
import { FakeBackupOps, FakeObjectStore } from '@zpanel/remote/testing';
import { OperationLog } from '../databases/operation-log';
import { type BackupSourceAccess, type BackupStorePlan, BackupRunner } from './backup-runner';

/** Records deletes: a failed run must remove what it may have stored. */
class RecordingStore extends FakeObjectStore {
  readonly deleted: string[] = [];

  override async delete(key: string): Promise<void> {
    this.deleted.push(key);
    await super.delete(key);
  }
}

/** Stands in for the real encoder: changes every byte, so what is stored is not the dump. */
const xorEncoder = () =>
  new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, Buffer.from(chunk.map((byte) => byte ^ 0x5a)));
    },
  });

const DATABASE_ID = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const INVENTORY: BackupInventory = {
  tables: [
    { name: 'public.users', rows: 3 },
    { name: 'public.orders', rows: 10 },
  ],
};

describe(BackupRunner.name, () => {
  let ops: FakeBackupOps;
  let store: RecordingStore;
  let log: OperationLog;
  let run: AbortController;

  const target = {
    databaseId: DATABASE_ID,
    engine: 'postgresql' as const,
    databaseName: 'app',
    userName: 'app',
    password: 'pw-123456',
    rootPassword: null,
  };
  const source = (): BackupSourceAccess => ({
    describe: 'database main-db (postgresql, postgres:16) on web-1',
    inventory: (signal) => ops.inventory({ databaseId: DATABASE_ID }, target, signal),
    dump: (signal) => ops.dumpDatabase(target, signal),
  });
  const plan = (): BackupStorePlan => ({
    key: `team/database-${DATABASE_ID}/2026-01-01-000000-b.zpbk`,
    destinationName: 'offsite',
    store,
    encoder: xorEncoder,
    compression: 'zstd',
    dataKeyId: 'key-1',
    metadata: { 'zpanel-backup-id': 'b' },
  });
  const backUp = () => new BackupRunner(log, 64 * 1024).run(source(), plan(), run.signal);

  beforeEach(() => {
    ops = new FakeBackupOps();
    ops.setDatabase(DATABASE_ID, { engine: 'postgresql', inventory: INVENTORY, fillerBytes: 200 * 1024 });
    store = new RecordingStore();
    log = new OperationLog();
    run = new AbortController();
  });

  it('streams the dump through the encoder into the store and records what the store checked: size, SHA-256, location, inventory', async () => {
    const outcome = await backUp();

    expect(outcome.status).toBe('succeeded');
    if (outcome.status !== 'succeeded') return;
    const stored = store.bytes(plan().key)!;
    expect(outcome.stored).toEqual({
      location: plan().key,
      sizeBytes: stored.length,
      dumpBytes: stored.length,
      sha256: createHash('sha256').update(stored).digest('hex'),
      compression: 'zstd',
      dataKeyId: 'key-1',
      inventory: INVENTORY,
      verifiedBy: 'etag',
    });
    // The store got the encoder's output, not the dump.
    expect(stored.subarray(0, 10).toString()).not.toBe('ZPFAKEDUMP');
    expect(log.text).toContain('Recorded what it holds: 2 tables, 13 rows.');
    expect(log.text).toContain('Uploaded');
    expect(log.text).toContain('the stored object was checked (etag)');
  });

  it("fails with the dump tool's exit code and stderr tail when it exits non-zero mid-stream, and keeps no object", async () => {
    ops.failNextDump({ exitCode: 1, stderr: 'pg_dump: error: connection to server lost', afterBytes: 70 * 1024 });

    const outcome = await backUp();

    expect(outcome).toEqual({
      status: 'failed',
      reasonCode: 'backup.dump_failed',
      reason: 'pg_dump exited with code 1: pg_dump: error: connection to server lost',
      inventory: INVENTORY,
    });
    expect(store.objects.size).toBe(0);
    expect(store.deleted).toEqual([plan().key]);
    expect(log.text).toContain('pg_dump exited with code 1');
  });

  it("fails with the storage's own words when the upload fails, and stops the dump", async () => {
    store.failPutAfter(1, 'connect ECONNREFUSED 127.0.0.1:9000', 'unreachable');

    const outcome = await backUp();

    expect(outcome).toMatchObject({
      status: 'failed',
      reasonCode: 'backup.upload_failed',
      reason: 'The upload to offsite failed: connect ECONNREFUSED 127.0.0.1:9000',
    });
    expect(store.objects.size).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ops.running).toBe(0);
  });

  it('is not succeeded when the store finds the stored object differs from what was sent: verify_failed', async () => {
    store.failNext('put', 'the stored object has 10 bytes, 2048 were sent', 'verify');

    const outcome = await backUp();

    expect(outcome).toMatchObject({
      status: 'failed',
      reasonCode: 'backup.verify_failed',
      reason: 'Checking the stored object failed: the stored object has 10 bytes, 2048 were sent',
    });
    expect(store.objects.size).toBe(0);
    expect(store.deleted).toEqual([plan().key]);
  });

  it('fails with the tool error when the inventory cannot be taken, before any upload', async () => {
    ops.fail('inventory', new BackupToolError('backup.dump_failed', 'psql', 2, 'psql: error: FATAL'));

    const outcome = await backUp();

    expect(outcome).toEqual({
      status: 'failed',
      reasonCode: 'backup.dump_failed',
      reason: 'psql exited with code 2: psql: error: FATAL',
      inventory: null,
    });
    expect(store.deleted).toEqual([]);
  });

  it.each([
    ['cancelled', 'cancelled', 'backup.cancelled'],
    ['timeout', 'failed', 'backup.timed_out'],
    ['worker-stopped', 'failed', 'backup.worker_stopped'],
  ])('stops the dump and the upload when the lease says %s, and keeps nothing', async (reason, status, code) => {
    const release = ops.holdDumps();
    const outcome = backUp();
    await new Promise((resolve) => setTimeout(resolve, 10));
    run.abort(reason);
    const ended = await outcome;
    release();

    expect(ended).toMatchObject({ status, reasonCode: code });
    expect(store.objects.size).toBe(0);
    expect(ops.running).toBe(0);
  });

  describe('a source counted in its dump (a volume)', () => {
    /** A tar of the files, as the volume's helper writes one. */
    const tarOf = async (files: Record<string, string>): Promise<Buffer> => {
      const archive = pack();
      const chunks: Buffer[] = [];
      const read = (async () => {
        for await (const chunk of archive) chunks.push(chunk as Buffer);
      })();
      for (const [name, data] of Object.entries(files)) archive.entry({ name, mode: 0o644, uid: 0, gid: 0 }, data);
      archive.finalize();
      await read;
      return Buffer.concat(chunks);
    };
    const counted = async (tar: Buffer) => {
      const tap = new TarInventory();
      for await (const chunk of Readable.from([tar]).pipe(tap)) void chunk;
      return tap.inventory();
    };
    const volumeSource = (tar: Buffer, changed: () => void): BackupSourceAccess => ({
      describe: 'volume data of files on web-1',
      dump: async () => {
        // What the volume holds changes once the dump has started: the inventory must describe the dump.
        const stream = Readable.from([tar.subarray(0, 700), tar.subarray(700)]);
        stream.once('end', changed);
        return { stream, done: Promise.resolve() };
      },
      dumpInventory: () => new TarInventory(),
    });

    it('records the inventory of the bytes that were stored, counted as they passed', async () => {
      const tar = await tarOf({ './app.log': 'line 1\nline 2\n', './state': '00000002' });
      let changes = 0;
      const outcome = await new BackupRunner(log, 64 * 1024).run(
        volumeSource(tar, () => (changes += 1)),
        plan(),
        run.signal,
      );

      expect(outcome.status).toBe('succeeded');
      if (outcome.status !== 'succeeded') return;
      expect(changes).toBe(1);
      expect(outcome.stored.dumpBytes).toBe(tar.length);
      expect(outcome.stored.inventory).toEqual({ ...(await counted(tar)), files: 2, bytes: 22 });
      expect(log.text).toContain('Recorded what the dump holds: 2 files, 22 B.');
      expect(log.text).not.toContain('Recorded what it holds');
    });

    it('fails, keeping no object and no inventory, when the dump is not a tar', async () => {
      const outcome = await new BackupRunner(log, 64 * 1024).run(
        volumeSource(Buffer.alloc(4096, 0x41), () => undefined),
        plan(),
        run.signal,
      );

      expect(outcome).toMatchObject({
        status: 'failed',
        reasonCode: 'backup.dump_failed',
        reason: expect.stringMatching(/^The volume's tar stream could not be read: /),
        inventory: null,
      });
      expect(store.objects.size).toBe(0);
      expect(store.deleted).toEqual([plan().key]);
    });
  });

  it('redacts the source password from every line it writes', async () => {
    log.addSecret(target.password);
    ops.failNextDump({ exitCode: 1, stderr: `FATAL: password authentication failed: ${target.password}` });

    const outcome = await backUp();

    expect(outcome).toMatchObject({ status: 'failed', reasonCode: 'backup.dump_failed' });
    expect(outcome.status === 'failed' && outcome.reason).toContain('password authentication failed: ********');
    expect(log.text).not.toContain(target.password);
  });
});
