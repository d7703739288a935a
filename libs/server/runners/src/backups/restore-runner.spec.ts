import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { BackupInventory } from '@zpanel/contracts';
import { ReasonError } from '@zpanel/core';
import type { DatabaseTarget } from '@zpanel/remote';
import { FakeBackupOps, FakeObjectStore } from '@zpanel/remote/testing';
import { OperationLog } from '../databases/operation-log';
import { type RestorePlace, RestoreRunner, type StoredBackupObject } from './restore-runner';

/**
 * Stands in for the archive codec: the encoder flips every byte and appends the SHA-256 of the
 * plaintext; the decoder flips back and fails with an integrity error when the trailer disagrees,
 * letting everything but the last 32 bytes through first (as a chunked decoder does).
 */
const encode = (plain: Buffer) => Buffer.concat([Buffer.from(plain.map((b) => b ^ 0x5a)), createHash('sha256').update(plain).digest()]);
const testDecoder = () => {
  let held = Buffer.alloc(0);
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      held = Buffer.concat([held, chunk]);
      const pass = held.subarray(0, Math.max(0, held.length - 32));
      held = held.subarray(pass.length);
      const plain = Buffer.from(pass.map((b) => b ^ 0x5a));
      hash.update(plain);
      done(null, plain);
    },
    flush(done) {
      done(hash.digest().equals(held) ? null : new ReasonError('backup.integrity_failed', 'The backup is damaged: chunk 0 failed its check.'));
    },
  });
};

const INVENTORY: BackupInventory = { tables: [{ name: 'public.users', rows: 3 }] };
const SOURCE_ID = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

describe(RestoreRunner.name, () => {
  let ops: FakeBackupOps;
  let store: FakeObjectStore;
  let log: OperationLog;
  let run: AbortController;
  let object: StoredBackupObject;

  const target: DatabaseTarget = {
    databaseId: SOURCE_ID,
    engine: 'postgresql',
    databaseName: 'app',
    userName: 'app',
    password: 'pw-123456',
    rootPassword: null,
  };
  const scratchPlace = async (): Promise<{ place: RestorePlace; remove(): Promise<void> }> => {
    const scratch = await ops.startScratchDatabase('postgresql', 'postgres:16', run.signal);
    return {
      place: {
        describe: 'a throwaway postgresql container',
        restore: (dump, signal) => ops.restoreDatabase({ container: scratch.container }, scratch.target, dump, signal),
        inventory: (signal) => ops.inventory({ container: scratch.container }, scratch.target, signal),
      },
      remove: () => scratch.remove(),
    };
  };
  const restore = async () => {
    const { place, remove } = await scratchPlace();
    try {
      return await new RestoreRunner(log).run(object, place, run.signal);
    } finally {
      await remove();
    }
  };

  beforeEach(async () => {
    ops = new FakeBackupOps();
    ops.setDatabase(SOURCE_ID, { engine: 'postgresql', inventory: INVENTORY, fillerBytes: 100 * 1024 });
    store = new FakeObjectStore();
    log = new OperationLog();
    run = new AbortController();
    const dump = await ops.dumpDatabase(target, run.signal);
    const chunks: Buffer[] = [];
    for await (const chunk of dump.stream) chunks.push(chunk as Buffer);
    const stored = await store.put('team/backup.zpbk', Readable.from([encode(Buffer.concat(chunks))]), { signal: run.signal });
    object = {
      store,
      destinationName: 'offsite',
      location: 'team/backup.zpbk',
      sha256: stored.sha256,
      sizeBytes: stored.sizeBytes,
      decoder: testDecoder,
      inventory: INVENTORY,
    };
  });

  it('downloads, decodes and restores the object, then finds what the dump recorded: succeeded with what was compared', async () => {
    const outcome = await restore();

    expect(outcome).toEqual({ status: 'succeeded', result: INVENTORY, detail: 'restored cleanly; 1 table and 3 rows match the dump' });
    expect(log.text).toContain("the object's SHA-256 matches the one recorded");
    expect(ops.scratches.every((scratch) => scratch.removed)).toBe(true);
  });

  it("fails loudly with the decoder's integrity error when a stored byte was flipped, not with the tool's complaint about garbage", async () => {
    store.corrupt('team/backup.zpbk', 2_000);

    const outcome = await restore();

    expect(outcome).toMatchObject({
      status: 'failed',
      reasonCode: 'backup.integrity_failed',
      reason: 'The backup is damaged: chunk 0 failed its check.',
      verification: 'failed',
      result: null,
    });
  });

  it('fails when the downloaded object is not the one recorded, even if it decodes', async () => {
    object = { ...object, sha256: 'f'.repeat(64) };

    const outcome = await restore();

    expect(outcome).toMatchObject({ status: 'failed', reasonCode: 'backup.integrity_failed', verification: 'failed' });
    expect(outcome.status === 'failed' && outcome.reason).toContain(`not ${'f'.repeat(64)} as recorded`);
  });

  it('reports a mismatch in words when the restored copy holds other tables or row counts than the dump recorded', async () => {
    object = { ...object, inventory: { tables: [{ name: 'public.users', rows: 4 }] } };

    const outcome = await restore();

    expect(outcome).toEqual({
      status: 'failed',
      reasonCode: 'backup.inventory_mismatch',
      reason: 'restored, but table public.users has 3 rows, the dump recorded 4',
      result: INVENTORY,
      verification: 'mismatch',
      internal: undefined,
    });
  });

  it("says the object is gone when the destination no longer has it, in the storage's words", async () => {
    await store.delete('team/backup.zpbk');

    const outcome = await restore();

    expect(outcome).toMatchObject({ status: 'failed', reasonCode: 'backup.destination_gone', verification: 'failed' });
    expect(outcome.status === 'failed' && outcome.reason).toContain('NoSuchKey');
  });

  it("fails with the restore tool's words when the tool refuses a dump that decoded cleanly", async () => {
    ops.fail('restoreDatabase', new (class extends ReasonError {})('backup.restore_failed', 'pg_restore exited with code 1: out of disk'));

    const outcome = await restore();

    expect(outcome).toMatchObject({ status: 'failed', reasonCode: 'backup.restore_failed', reason: 'pg_restore exited with code 1: out of disk' });
  });

  it("stops with the lease's reason when it is cancelled while it runs", async () => {
    const { place, remove } = await scratchPlace();
    run.abort('cancelled');

    const outcome = await new RestoreRunner(log).run(object, place, run.signal);
    await remove();

    expect(outcome).toMatchObject({ status: 'cancelled', reasonCode: 'backup.cancelled', verification: 'failed' });
  });
});
