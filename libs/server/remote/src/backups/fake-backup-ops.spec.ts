import { Readable } from 'node:stream';
import { BackupToolError, type DatabaseTarget } from './backup-ops';
import { FakeBackupOps } from './fake-backup-ops';

const target: DatabaseTarget = {
  databaseId: '11111111-1111-4111-8111-111111111111',
  engine: 'postgresql',
  databaseName: 'shop',
  userName: 'shop_app',
  password: 'secret',
  rootPassword: null,
};
const signal = () => new AbortController().signal;

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe(FakeBackupOps.name, () => {
  let ops: FakeBackupOps;
  beforeEach(() => {
    ops = new FakeBackupOps();
    ops.setDatabase(target.databaseId, { engine: 'postgresql', inventory: { tables: [{ name: 'public.items', rows: 3 }] }, fillerBytes: 100_000 });
  });

  it('restores what it dumped into a scratch container, which then has the same inventory, and records the scratch removed', async () => {
    const dump = await ops.dumpDatabase(target, signal());
    const bytes = await collect(dump.stream);
    await dump.done;
    expect(bytes.length).toBeGreaterThan(100_000);
    const scratch = await ops.startScratchDatabase('postgresql', 'postgres:17', signal());
    expect(await ops.inventory({ container: scratch.container }, scratch.target, signal())).toEqual({ tables: [] });
    await ops.restoreDatabase({ container: scratch.container }, scratch.target, Readable.from([bytes]), signal());
    expect(await ops.inventory({ container: scratch.container }, scratch.target, signal())).toEqual({ tables: [{ name: 'public.items', rows: 3 }] });
    await scratch.remove();
    expect(ops.scratches).toEqual([expect.objectContaining({ removed: true })]);
  });

  it('refuses a dump with one byte changed, like pg_restore a bad archive', async () => {
    const dump = await ops.dumpDatabase(target, signal());
    const bytes = await collect(dump.stream);
    bytes[bytes.length - 10] ^= 1;
    await expect(ops.restoreDatabase(target, target, Readable.from([bytes]), signal())).rejects.toMatchObject({
      code: 'backup.restore_failed',
      exitCode: 1,
    });
  });

  it("fails a dump's done with the tool's exit code and stderr after some output", async () => {
    ops.failNextDump({ exitCode: 1, stderr: 'pg_dump: error: password authentication failed', afterBytes: 50 });
    const dump = await ops.dumpDatabase(target, signal());
    expect((await collect(dump.stream)).length).toBe(50);
    const error = await dump.done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackupToolError);
    expect(error).toMatchObject({ code: 'backup.dump_failed', exitCode: 1, stderrTail: expect.stringContaining('password authentication') });
  });

  it('holds a dump after its first chunk, and an abort ends it with the reason', async () => {
    ops.holdDumps();
    const controller = new AbortController();
    const dump = await ops.dumpDatabase(target, controller.signal);
    const streamError = new Promise((resolve) => dump.stream.once('error', resolve));
    const first = await new Promise<Buffer>((resolve) => dump.stream.once('data', resolve));
    expect(first.length).toBeGreaterThan(0);
    expect(ops.running).toBe(1);
    controller.abort(new Error('cancelled'));
    await expect(dump.done).rejects.toThrow('cancelled');
    expect(await streamError).toMatchObject({ message: 'cancelled' });
    expect(ops.running).toBe(0);
  });

  it('round-trips a volume and counts its files and bytes', async () => {
    ops.setVolume('vol-a', { 'a.txt': 'hello', 'dir/b.bin': Buffer.alloc(10) });
    ops.setVolume('vol-b', { 'old.txt': 'x' });
    const dump = await ops.dumpVolume('vol-a', signal());
    const tar = await collect(dump.stream);
    await dump.done;
    await ops.restoreVolume('vol-b', Readable.from([tar]), signal());
    expect(await ops.volumeInventory('vol-b', signal())).toEqual({ files: 2, bytes: 15 });
    expect([...(ops.volumes.get('vol-b')?.keys() ?? [])]).toEqual(['a.txt', 'dir/b.bin']);
  });

  it('fails the next call of a method as asked, and any call once the signal aborted', async () => {
    ops.fail('inventory', new Error('down'));
    await expect(ops.inventory(target, target, signal())).rejects.toThrow('down');
    await expect(ops.inventory(target, target, signal())).resolves.toBeDefined();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(ops.volumeInventory('x', controller.signal)).rejects.toThrow('stop');
  });
});
