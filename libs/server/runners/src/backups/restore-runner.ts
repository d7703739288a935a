import { createHash } from 'node:crypto';
import { type Duplex, type Readable, Transform, pipeline } from 'node:stream';
import type { BackupInventory, ReasonCode } from '@zpanel/contracts';
import { ReasonError } from '@zpanel/core';
import { type ObjectStore, StorageError } from '@zpanel/remote';
import type { LeaseStopReason } from '../run-lease';
import { type RunLog, describeInventory, formatBytes } from './backup-runner';
import { compareInventories } from './inventory-comparison';

/** The stored backup a restore reads. */
export interface StoredBackupObject {
  store: ObjectStore;
  destinationName: string;
  location: string;
  /** As recorded when it was stored: the download must hash to it. */
  sha256: string | null;
  sizeBytes: number | null;
  /** A fresh decryptor + decompressor (`createBackupDecoder` with the destination's data key). */
  decoder: () => Duplex;
  /** What the dump recorded; null when nothing was (an uploaded file). */
  inventory: BackupInventory | null;
}

/** Where a restore goes: a throwaway container, the database itself, a new database, a volume. */
export interface RestorePlace {
  /** For the log: "a throwaway postgresql container (postgres:16)". */
  describe: string;
  restore(dump: Readable, signal: AbortSignal): Promise<void>;
  inventory(signal: AbortSignal): Promise<BackupInventory>;
}

export type RestoreOutcome =
  | { status: 'succeeded'; result: BackupInventory; detail: string }
  | {
      status: 'failed' | 'cancelled';
      reason: string;
      reasonCode: ReasonCode;
      /** What the restored copy holds, when the restore itself went through (a mismatch). */
      result: BackupInventory | null;
      /** Where the verification went wrong, for `backups.verification`: `failed` (no clean restore) or `mismatch`. */
      verification: 'failed' | 'mismatch';
      internal?: unknown;
    };

export const RESTORE_STOPPED: Record<LeaseStopReason, { status: 'failed' | 'cancelled'; code: ReasonCode; reason: string }> = {
  timeout: { status: 'failed', code: 'backup.timed_out', reason: 'The restore took longer than its timeout and was stopped.' },
  cancelled: { status: 'cancelled', code: 'backup.cancelled', reason: 'The restore was cancelled.' },
  deleted: { status: 'cancelled', code: 'backup.cancelled', reason: 'The restore was deleted while it ran.' },
  'worker-stopped': {
    status: 'failed',
    code: 'backup.worker_stopped',
    reason: 'The worker stopped while the restore ran; it is not run again by itself.',
  },
};

export const RESTORE_INTERNAL_REASON = 'Zpanel could not run the restore (an internal error; see the worker log).';

/** Counts and hashes what passes. */
class Digest extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    done(null, chunk);
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}

/**
 * One restore (docs/backups.md, "Restores"): the stored object downloaded, hashed and decoded
 * (decrypt, decompress) on the way into the place's restore tool, with constant memory. The decoder's
 * integrity error (a wrong key, a changed or missing byte) wins over whatever the tool said about the
 * garbage it got, and a download whose SHA-256 is not the recorded one fails too: never a silent
 * restore of something else. Then the place's inventory is compared with what the dump recorded.
 */
export class RestoreRunner {
  constructor(private readonly log: RunLog) {}

  async run(object: StoredBackupObject, place: RestorePlace, signal: AbortSignal): Promise<RestoreOutcome> {
    let result: BackupInventory | null = null;
    try {
      this.log.write(
        `Restoring ${object.location}${object.sizeBytes === null ? '' : ` (${formatBytes(object.sizeBytes)})`} from ${object.destinationName} into ${place.describe}.`,
      );
      const download = await object.store.get(object.location, signal);
      const digest = new Digest();
      let decodeFailure: unknown = null;
      let decodingEnded = () => {};
      const decoding = new Promise<void>((resolve) => (decodingEnded = resolve));
      const decoded = pipeline(download, digest, object.decoder(), (error) => {
        if (error) decodeFailure ??= error;
        decodingEnded();
      });
      try {
        await place.restore(decoded, signal);
      } catch (error) {
        decoded.destroy();
        await decoding;
        throw integrityFirst(decodeFailure) ?? error;
      }
      // The tool may stop reading before the end (a trailer it ignores): the whole object must still check out.
      decoded.resume();
      await decoding;
      if (decodeFailure !== null) throw integrityFirst(decodeFailure) ?? decodeFailure;
      const sha256 = digest.hex();
      if (object.sha256 !== null && sha256 !== object.sha256) {
        throw new ReasonError(
          'backup.integrity_failed',
          `The downloaded object's SHA-256 is ${sha256}, not ${object.sha256} as recorded when it was stored: it was changed.`,
        );
      }
      this.log.write(`Restored ${formatBytes(digest.bytes)}; the object's SHA-256 matches the one recorded.`);
      result = await place.inventory(signal);
      if (object.inventory === null) {
        this.log.write(`The restored copy holds ${describeInventory(result)}.`);
        return { status: 'succeeded', result, detail: `restored cleanly; it holds ${describeInventory(result)}` };
      }
      const comparison = compareInventories(object.inventory, result);
      this.log.write(comparison.detail);
      if (!comparison.matches) {
        return {
          status: 'failed',
          reason: this.log.redact(comparison.detail),
          reasonCode: 'backup.inventory_mismatch',
          result,
          verification: 'mismatch',
        };
      }
      return { status: 'succeeded', result, detail: comparison.detail };
    } catch (error) {
      const verdict = restoreFailure(error, signal, object.destinationName);
      const reason = this.log.redact(verdict.reason);
      this.log.write(reason);
      return { status: verdict.status, reason, reasonCode: verdict.code, result, verification: 'failed', internal: verdict.internal };
    }
  }
}

/** The decoder's own verdict when it has one (a ReasonError: integrity), else null. */
function integrityFirst(decodeFailure: unknown): ReasonError | null {
  return decodeFailure instanceof ReasonError ? decodeFailure : null;
}

export function restoreFailure(
  error: unknown,
  signal: AbortSignal,
  destinationName: string,
): { status: 'failed' | 'cancelled'; code: ReasonCode; reason: string; internal?: unknown } {
  if (signal.aborted) return RESTORE_STOPPED[signal.reason as LeaseStopReason] ?? RESTORE_STOPPED.timeout;
  if (error instanceof ReasonError) return { status: 'failed', code: error.code, reason: error.reason };
  if (error instanceof StorageError) {
    if (error.code === 'not-found') {
      return {
        status: 'failed',
        code: 'backup.destination_gone',
        reason: `The backup's object is no longer in ${destinationName}: ${error.message}`,
      };
    }
    if (error.code === 'refused') return { status: 'failed', code: 'backup.address_refused', reason: error.message };
    return { status: 'failed', code: 'backup.step_failed', reason: `Downloading from ${destinationName} failed: ${error.message}` };
  }
  return { status: 'failed', code: 'backup.internal', reason: RESTORE_INTERNAL_REASON, internal: error };
}
