import { Readable } from 'node:stream';
import type { BackupInventory, DatabaseEngine } from '@zpanel/contracts';
import {
  type BackupOps,
  BackupToolError,
  type DatabasePlace,
  type DatabaseTarget,
  type DumpStream,
  type ScratchDatabase,
  type ScratchVolume,
} from './backup-ops';

/** What the fake "server" holds for a database (by id) or a scratch container (by name). */
export interface FakeDatabaseContent {
  engine: DatabaseEngine;
  inventory: BackupInventory;
  /** Bytes of filler the dump writes after its header (to make a dump large). Default 1024. */
  fillerBytes?: number;
}

/** A scratch container the fake started; `removed` once its `remove()` ran. */
export interface FakeScratch {
  container: string;
  engine: DatabaseEngine;
  image: string;
  removed: boolean;
}

/** How the next dump fails: the tool's exit code and stderr, after writing `afterBytes` of its output. */
export interface FakeToolFailure {
  exitCode: number;
  stderr: string;
  afterBytes?: number;
}

const DUMP_MAGIC = 'ZPFAKEDUMP';
const VOLUME_MAGIC = 'ZPFAKETAR';
const CHUNK = 16 * 1024;

function placeKey(place: DatabasePlace): string {
  return 'databaseId' in place ? place.databaseId : place.container;
}

function aborted(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
}

async function readAll(stream: Readable, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    if (signal.aborted) throw aborted(signal);
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  }
  return Buffer.concat(chunks);
}

/**
 * `BackupOps` in memory for unit tests. Databases (by id) and scratch containers (by name) hold an
 * inventory; a dump is a header carrying the engine and inventory plus filler bytes, and restoring it
 * gives the place that inventory, so a round trip through compression, encryption and a store checks
 * out like a real one, and a changed byte makes the restore fail like `pg_restore` on a bad archive.
 * Volumes hold files (path to bytes). `fail(method, error)` makes the next call of a method reject;
 * `failNextDump` makes the next dump's tool exit non-zero after some output; `holdDumps` stops dumps
 * after their first chunk until released (or aborted). Every call is recorded in `calls`.
 */
export class FakeBackupOps implements BackupOps {
  readonly databases = new Map<string, FakeDatabaseContent>();
  readonly volumes = new Map<string, Map<string, Buffer>>();
  readonly scratches: FakeScratch[] = [];
  readonly calls: { method: keyof BackupOps; place?: string; detail?: string }[] = [];
  /** Dumps (database and volume) currently streaming: a cancel test checks that it drops to 0. */
  running = 0;
  private readonly failures = new Map<keyof BackupOps, Error>();
  private nextDumpFailure: FakeToolFailure | null = null;
  private hold: { promise: Promise<void>; release: () => void } | null = null;
  private scratchCount = 0;

  /** The next call of `method` rejects with `error`. */
  fail(method: keyof BackupOps, error: Error): void {
    this.failures.set(method, error);
  }

  /** The next dump (database or volume) writes `afterBytes` (default 100) then its tool exits with `exitCode`. */
  failNextDump(failure: FakeToolFailure): void {
    this.nextDumpFailure = failure;
  }

  /** Dumps started from now on stop after their first chunk until the returned function is called. */
  holdDumps(): () => void {
    let release = () => {};
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.hold = { promise, release };
    return () => {
      this.hold = null;
      release();
    };
  }

  setDatabase(databaseId: string, content: FakeDatabaseContent): void {
    this.databases.set(databaseId, content);
  }

  setVolume(volumeName: string, files: Record<string, string | Buffer>): void {
    this.volumes.set(volumeName, new Map(Object.entries(files).map(([path, data]) => [path, Buffer.from(data)])));
  }

  private record(method: keyof BackupOps, signal: AbortSignal, place?: string, detail?: string): void {
    this.calls.push({ method, place, detail });
    if (signal.aborted) throw aborted(signal);
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }

  private content(place: DatabasePlace): FakeDatabaseContent {
    const content = this.databases.get(placeKey(place));
    if (!content) throw new Error(`No such container: ${placeKey(place)}`);
    return content;
  }

  async inventory(place: DatabasePlace, target: DatabaseTarget, signal: AbortSignal): Promise<BackupInventory> {
    this.record('inventory', signal, placeKey(place));
    return structuredClone(this.content(place).inventory);
  }

  async dumpDatabase(target: DatabaseTarget, signal: AbortSignal): Promise<DumpStream> {
    this.record('dumpDatabase', signal, target.databaseId);
    const content = this.content({ databaseId: target.databaseId });
    const header = Buffer.from(`${DUMP_MAGIC}\n${JSON.stringify({ engine: content.engine, inventory: content.inventory })}\n`);
    return this.stream(header, content.fillerBytes ?? 1024, signal, target.engine === 'postgresql' ? 'pg_dump' : `${target.engine} dump`);
  }

  async restoreDatabase(place: DatabasePlace, target: DatabaseTarget, dump: Readable, signal: AbortSignal): Promise<void> {
    this.record('restoreDatabase', signal, placeKey(place));
    const bytes = await readAll(dump, signal);
    const newline = bytes.indexOf('\n', DUMP_MAGIC.length + 1);
    const parsed = parseHeader(bytes, newline);
    const filler = newline > 0 ? bytes.subarray(newline + 1) : Buffer.alloc(0);
    if (!parsed || parsed.engine !== target.engine || filler.some((byte, i) => byte !== fillerByte(i))) {
      throw new BackupToolError('backup.restore_failed', 'pg_restore', 1, 'pg_restore: error: input file does not appear to be a valid archive');
    }
    this.databases.set(placeKey(place), { engine: parsed.engine, inventory: parsed.inventory });
  }

  async startScratchDatabase(
    engine: DatabaseEngine,
    image: string,
    signal: AbortSignal,
    like?: { databaseName: string | null; userName: string | null },
  ): Promise<ScratchDatabase> {
    this.record('startScratchDatabase', signal, undefined, image);
    this.scratchCount += 1;
    const container = `fake-scratch-${this.scratchCount}`;
    const scratch: FakeScratch = { container, engine, image, removed: false };
    this.scratches.push(scratch);
    const sql = engine !== 'redis';
    const target: DatabaseTarget = {
      databaseId: `00000000-0000-4000-8000-${String(this.scratchCount).padStart(12, '0')}`,
      engine,
      databaseName: sql ? (like?.databaseName ?? 'zpanel_verify') : null,
      userName: sql ? (like?.userName ?? 'zpanel_verify') : null,
      password: 'scratchpassword',
      rootPassword: engine === 'mysql' || engine === 'mariadb' ? 'scratchrootpassword' : null,
    };
    this.databases.set(container, { engine, inventory: engine === 'redis' ? { keys: 0 } : { tables: [] } });
    return {
      container,
      target,
      remove: async () => {
        scratch.removed = true;
        this.databases.delete(container);
      },
    };
  }

  async dumpVolume(volumeName: string, signal: AbortSignal): Promise<DumpStream> {
    this.record('dumpVolume', signal, volumeName);
    const files = this.volume(volumeName);
    const listing = [...files].map(([path, data]) => ({ path, data: data.toString('base64') }));
    return this.stream(Buffer.from(`${VOLUME_MAGIC}\n${JSON.stringify(listing)}\n`), 0, signal, 'tar');
  }

  async restoreVolume(volumeName: string, tar: Readable, signal: AbortSignal): Promise<void> {
    this.record('restoreVolume', signal, volumeName);
    this.volume(volumeName);
    const text = (await readAll(tar, signal)).toString('utf8');
    let listing: { path: string; data: string }[];
    try {
      if (!text.startsWith(`${VOLUME_MAGIC}\n`)) throw new Error('not a tar');
      listing = JSON.parse(text.slice(VOLUME_MAGIC.length + 1)) as typeof listing;
    } catch {
      throw new BackupToolError('backup.restore_failed', 'tar', 1, 'tar: invalid tar magic');
    }
    this.volumes.set(volumeName, new Map(listing.map(({ path, data }) => [path, Buffer.from(data, 'base64')])));
  }

  async volumeInventory(volumeName: string, signal: AbortSignal): Promise<BackupInventory> {
    this.record('volumeInventory', signal, volumeName);
    const files = [...this.volume(volumeName).values()];
    return { files: files.length, bytes: files.reduce((sum, data) => sum + data.length, 0) };
  }

  /** Removed ones are gone from `volumes`; `scratchVolumes` keeps every name given out. */
  readonly scratchVolumes: string[] = [];

  async startScratchVolume(signal: AbortSignal): Promise<ScratchVolume> {
    this.record('startScratchVolume', signal);
    const name = `fake-scratch-volume-${this.scratchVolumes.length + 1}`;
    this.scratchVolumes.push(name);
    this.volumes.set(name, new Map());
    return { name, remove: async () => void this.volumes.delete(name) };
  }

  private volume(volumeName: string): Map<string, Buffer> {
    const files = this.volumes.get(volumeName);
    if (!files) throw new Error(`get ${volumeName}: no such volume`);
    return files;
  }

  /** A tool's output: `header`, then `fillerBytes` of a fixed pattern, in chunks, honouring backpressure, a hold, a failure and the signal. */
  private stream(header: Buffer, fillerBytes: number, signal: AbortSignal, tool: string): DumpStream {
    const failure = this.nextDumpFailure;
    this.nextDumpFailure = null;
    const hold = this.hold?.promise ?? null;
    const total = header.length + fillerBytes;
    const limit = failure ? Math.min(total, failure.afterBytes ?? 100) : total;
    let offset = 0;
    let settle: (error?: Error) => void = () => {};
    const done = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    done.catch(() => undefined);
    this.running += 1;
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      this.running -= 1;
      signal.removeEventListener('abort', onAbort);
      settle(error);
    };
    const stream = new Readable({
      highWaterMark: CHUNK,
      read: () => {
        void (async () => {
          if (offset > 0 && hold) await Promise.race([hold, new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))]);
          if (finished) return;
          if (offset >= limit) {
            stream.push(null);
            finish(failure ? new BackupToolError('backup.dump_failed', tool, failure.exitCode, failure.stderr) : undefined);
            return;
          }
          const size = Math.min(CHUNK, limit - offset);
          const chunk = Buffer.alloc(size);
          for (let i = 0; i < size; i++) {
            const at = offset + i;
            chunk[i] = at < header.length ? header[at] : fillerByte(at - header.length);
          }
          offset += size;
          stream.push(chunk);
        })();
      },
    });
    const onAbort = () => {
      const error = aborted(signal);
      stream.destroy(error);
      finish(error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return { stream, done };
  }
}

function parseHeader(bytes: Buffer, newline: number): { engine: DatabaseEngine; inventory: BackupInventory } | null {
  if (bytes.subarray(0, DUMP_MAGIC.length + 1).toString() !== `${DUMP_MAGIC}\n` || newline < 0) return null;
  try {
    return JSON.parse(bytes.subarray(DUMP_MAGIC.length + 1, newline).toString('utf8')) as { engine: DatabaseEngine; inventory: BackupInventory };
  } catch {
    return null;
  }
}

/** The filler's byte at `index`: a pattern a flipped byte breaks. */
function fillerByte(index: number): number {
  return (index * 31 + 7) & 0xff;
}
