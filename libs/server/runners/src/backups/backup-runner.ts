import { createHash } from 'node:crypto';
import { type Duplex, type Readable, Transform, pipeline } from 'node:stream';
import type { BackupCompression, BackupInventory, ReasonCode } from '@zpanel/contracts';
import { ReasonError } from '@zpanel/core';
import { type DumpStream, type ObjectStore, type PutResult, StorageError } from '@zpanel/remote';
import type { LeaseStopReason } from '../run-lease';

/** A log the runners write to (redacting, capped, live: `OperationLog`). */
export interface RunLog {
  write(text: string): void;
  /** The text with every known secret replaced: a reason may quote a tool's stderr. */
  redact(text: string): string;
}

/** What a backup reads: a database through `BackupOps`, a volume, or the instance's own PostgreSQL. */
export interface BackupSourceAccess {
  /** For the log: "database main-db (postgresql, postgres:16) on web-1". */
  describe: string;
  /** What the source holds now, recorded with the backup and compared by its verification (taken just before the dump; a database). */
  inventory?(signal: AbortSignal): Promise<BackupInventory>;
  /** The dump; a source that counts inside the dump's own snapshot (the instance) gives the inventory with it. */
  dump(signal: AbortSignal): Promise<DumpStream & { inventory?: BackupInventory }>;
  /**
   * A source whose inventory is counted in the dump itself as it passes (a volume: `TarInventory`
   * over its tar), so it describes exactly the bytes backed up however the source changes meanwhile.
   */
  dumpInventory?(): DumpInventory;
}

/** Passes the dump on unchanged, counting it; `inventory()` once the dump has ended. */
export interface DumpInventory extends Duplex {
  inventory(): BackupInventory;
}

/** Where and how the object is stored. */
export interface BackupStorePlan {
  /** `backupObjectKey`: made by Zpanel from ids only. */
  key: string;
  /** For the log. */
  destinationName: string;
  store: ObjectStore;
  /** A fresh compressor + encryptor (`createBackupEncoder` with the destination's data key). */
  encoder: () => Duplex;
  compression: BackupCompression;
  dataKeyId: string;
  /** Stored with the object (lower-case keys). */
  metadata: Record<string, string>;
}

/** What a succeeded backup records. */
export interface StoredBackup {
  location: string;
  sizeBytes: number;
  dumpBytes: number;
  sha256: string;
  compression: BackupCompression;
  dataKeyId: string;
  inventory: BackupInventory;
  verifiedBy: string;
}

export type BackupOutcome =
  | { status: 'succeeded'; stored: StoredBackup }
  | {
      status: 'failed' | 'cancelled';
      reason: string;
      reasonCode: ReasonCode;
      inventory: BackupInventory | null;
      /** An error Zpanel had no words for, for the worker log (the reason is generic). */
      internal?: unknown;
    };

/** Why a run the lease stopped ended, in words. */
export const BACKUP_STOPPED: Record<LeaseStopReason, { status: 'failed' | 'cancelled'; code: ReasonCode; reason: string }> = {
  timeout: { status: 'failed', code: 'backup.timed_out', reason: 'The run took longer than its timeout and was stopped; nothing was kept.' },
  cancelled: { status: 'cancelled', code: 'backup.cancelled', reason: 'Cancelled; nothing was kept.' },
  deleted: { status: 'cancelled', code: 'backup.cancelled', reason: 'Deleted while it ran; nothing was kept.' },
  'worker-stopped': {
    status: 'failed',
    code: 'backup.worker_stopped',
    reason: 'The worker stopped while the run went on; nothing was kept and it is not run again by itself.',
  },
};

export const BACKUP_INTERNAL_REASON = 'Zpanel could not run the backup (an internal error; see the worker log).';

const MIB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MIB) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${(bytes / 1024 / MIB).toFixed(2)} GiB`;
}

/** "12 tables, 10234 rows", "5 keys", "3 files, 1.2 KiB": what a log line and a verification say. */
export function describeInventory(inventory: BackupInventory): string {
  const parts: string[] = [];
  if (inventory.tables) {
    const rows = inventory.tables.reduce((sum, table) => sum + table.rows, 0);
    parts.push(`${inventory.tables.length} table${inventory.tables.length === 1 ? '' : 's'}, ${rows} row${rows === 1 ? '' : 's'}`);
  }
  if (inventory.keys !== undefined) parts.push(`${inventory.keys} key${inventory.keys === 1 ? '' : 's'}`);
  if (inventory.files !== undefined) parts.push(`${inventory.files} file${inventory.files === 1 ? '' : 's'}, ${formatBytes(inventory.bytes ?? 0)}`);
  return parts.length > 0 ? parts.join('; ') : 'nothing';
}

/** Counts what passes, and hashes it (SHA-256) when asked. */
export class ByteMeter extends Transform {
  bytes = 0;
  private readonly hash;

  constructor(hashing: boolean) {
    super();
    this.hash = hashing ? createHash('sha256') : null;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    done(null, chunk);
  }

  /** Once the stream has ended. */
  sha256(): string {
    if (!this.hash) throw new Error('this meter does not hash');
    return this.hash.digest('hex');
  }
}

/** Passes the dump on, and ends only once the tool exited 0: a dump cut short by its tool never reaches the store as a whole object. */
function untilToolExits(done: Promise<void>): Transform {
  return new Transform({
    transform: (chunk: Buffer, _encoding, callback) => callback(null, chunk),
    flush: (callback) => {
      done.then(
        () => callback(),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
}

/**
 * One backup (docs/backups.md, "How a backup runs"): the source's inventory, then its dump streamed
 * through the encoder (compress, encrypt) into the store with constant memory, the SHA-256 and sizes
 * computed on the way. `succeeded` only once the store checked the object it holds against what was
 * sent (`put`) and the dump tool exited 0; anything else is `failed` (or `cancelled`) with a reason
 * code, and the object is deleted, so no half backup is ever listed as one.
 */
export class BackupRunner {
  constructor(
    private readonly log: RunLog,
    private readonly progressEveryBytes = 64 * MIB,
  ) {}

  async run(source: BackupSourceAccess, plan: BackupStorePlan, signal: AbortSignal): Promise<BackupOutcome> {
    let inventory: BackupInventory | null = null;
    let dumpFailure: unknown = null;
    let uploading = false;
    let stopping = () => {};
    try {
      this.log.write(`Backing up ${source.describe} to ${plan.destinationName}.`);
      if (source.inventory) {
        inventory = await source.inventory(signal);
        this.log.write(`Recorded what it holds: ${describeInventory(inventory)}.`);
      }
      // Its own signal: a failed upload stops the tool too (its container, its exec), not just the stream.
      const stopDump = new AbortController();
      const onStop = () => stopDump.abort(signal.reason);
      signal.addEventListener('abort', onStop, { once: true });
      stopping = () => {
        signal.removeEventListener('abort', onStop);
        if (!stopDump.signal.aborted) stopDump.abort(new Error('the backup run ended'));
      };
      const dump = await source.dump(stopDump.signal);
      if (dump.inventory) {
        inventory = dump.inventory;
        this.log.write(`Recorded what the dump holds: ${describeInventory(inventory)}.`);
      }
      dump.done.catch((error: unknown) => (dumpFailure ??= error));
      const dumpMeter = new ByteMeter(false);
      const counter = source.dumpInventory?.();
      let chainFailure: unknown = null;
      const onChainEnd = (error: Error | null | undefined) => {
        if (error) chainFailure ??= error;
      };
      // The counter sits before untilToolExits: it has read the whole dump (and answers) before the body ends.
      const body: Readable = counter
        ? pipeline(dump.stream, dumpMeter, counter, untilToolExits(dump.done), plan.encoder(), onChainEnd)
        : pipeline(dump.stream, dumpMeter, untilToolExits(dump.done), plan.encoder(), onChainEnd);
      let nextMark = this.progressEveryBytes;
      uploading = true;
      let put: PutResult;
      try {
        put = await plan.store.put(plan.key, body, {
          signal,
          metadata: plan.metadata,
          onProgress: (sent) => {
            if (sent < nextMark) return;
            nextMark = sent + this.progressEveryBytes;
            this.log.write(`Uploaded ${formatBytes(sent)}.`);
          },
        });
      } catch (error) {
        body.destroy();
        dump.stream.destroy();
        // The store saw its body fail (`source`): say why the body failed (the tool, the encoder), not
        // that it did. A storage failure of its own is told in the storage's words.
        const bodyFailed = !(error instanceof StorageError) || error.code === 'source';
        throw bodyFailed ? (dumpFailure ?? chainFailure ?? error) : error;
      }
      await dump.done;
      stopping();
      if (counter) {
        inventory = counter.inventory();
        this.log.write(`Recorded what the dump holds: ${describeInventory(inventory)}.`);
      }
      // The store hashed the bytes as they passed and checked the stored object against them (put).
      const sha256 = put.sha256;
      this.log.write(
        `Stored ${formatBytes(put.sizeBytes)} (dump ${formatBytes(dumpMeter.bytes)}, ${plan.compression}, encrypted) as ${plan.key}; ` +
          `the stored object was checked (${put.verifiedBy}); SHA-256 ${sha256}.`,
      );
      return {
        status: 'succeeded',
        stored: {
          location: plan.key,
          sizeBytes: put.sizeBytes,
          dumpBytes: dumpMeter.bytes,
          sha256,
          compression: plan.compression,
          dataKeyId: plan.dataKeyId,
          inventory: inventory ?? {},
          verifiedBy: put.verifiedBy,
        },
      };
    } catch (error) {
      const verdict = backupFailure(error, signal, plan.destinationName);
      stopping();
      const reason = this.log.redact(verdict.reason);
      this.log.write(reason);
      if (uploading) await this.removeObject(plan);
      return { status: verdict.status, reason, reasonCode: verdict.code, inventory, internal: verdict.internal };
    }
  }

  /** `put` leaves nothing behind when it fails; this covers a failure after it (the tool's exit, a mismatch). */
  private async removeObject(plan: BackupStorePlan): Promise<void> {
    try {
      await plan.store.delete(plan.key);
    } catch (error) {
      this.log.write(`The object ${plan.key} could not be removed: ${error instanceof Error ? error.message : String(error)}.`);
    }
  }
}

/** A failure in words, with its code: the lease's stop, the tool's exit, the storage's words, or an internal error (generic words). */
export function backupFailure(
  error: unknown,
  signal: AbortSignal,
  destinationName: string,
): { status: 'failed' | 'cancelled'; code: ReasonCode; reason: string; internal?: unknown } {
  if (signal.aborted) return BACKUP_STOPPED[signal.reason as LeaseStopReason] ?? BACKUP_STOPPED.timeout;
  if (error instanceof ReasonError) return { status: 'failed', code: error.code, reason: error.reason };
  if (error instanceof StorageError) {
    if (error.code === 'refused') return { status: 'failed', code: 'backup.address_refused', reason: error.message };
    if (error.code === 'verify')
      return { status: 'failed', code: 'backup.verify_failed', reason: `Checking the stored object failed: ${error.message}` };
    return { status: 'failed', code: 'backup.upload_failed', reason: `The upload to ${destinationName} failed: ${error.message}` };
  }
  return { status: 'failed', code: 'backup.internal', reason: BACKUP_INTERNAL_REASON, internal: error };
}
