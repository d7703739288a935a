import type { Readable } from 'node:stream';
import type { BackupInventory, DatabaseEngine, ReasonCode } from '@zpanel/contracts';
import { ReasonError } from '@zpanel/core';

/** A dump tool's output while it runs: read `stream` to the end, then await `done` for its exit. */
export interface DumpStream {
  /** The tool's stdout with backpressure (nothing is buffered beyond the stream's high-water mark). */
  stream: Readable;
  /**
   * Resolves when the tool exited 0; rejects with a `BackupToolError` (exit code, stderr tail) otherwise,
   * with the signal's reason when it was aborted (the tool is stopped, helper containers removed).
   * Never rejects unhandled: a caller that only reads `stream` may await it later.
   */
  done: Promise<void>;
}

/** What a restore or dump step needs of a database: its container, engine, and credentials (passed through the Docker API's Env, never argv). */
export interface DatabaseTarget {
  databaseId: string;
  engine: DatabaseEngine;
  /** SQL engines; null for Redis. */
  databaseName: string | null;
  userName: string | null;
  password: string;
  /** The superuser's password (MariaDB root); null where the engine has none apart. */
  rootPassword: string | null;
}

/** A throwaway container of an engine and image, to restore a backup into and check it (`verify` restores). */
export interface ScratchDatabase {
  /** Container name on the server, for `restoreDatabase`/`inventory` with `{ container }`. */
  container: string;
  /** Its credentials (fresh passwords); `databaseId` is a random id naming nothing in Zpanel's tables. */
  target: DatabaseTarget;
  /** Removes the container and its anonymous volume; never throws. */
  remove(): Promise<void>;
}

/** Where a restore or inventory runs: the database's own container, or a scratch one by name (`ScratchDatabase.container`). */
export type DatabasePlace = { databaseId: string } | { container: string };

/**
 * A dump or restore tool (pg_dump, pg_restore, mariadb-dump, mariadb, redis-cli, tar) exited non-zero,
 * or a step around it failed (BGSAVE reported an error). `code` is `backup.dump_failed` for dumps and
 * inventories, `backup.restore_failed` for restores; the reason names the tool, its exit code and the
 * last lines of its stderr (never a password: those are only in the exec's environment).
 */
export class BackupToolError extends ReasonError {
  constructor(
    code: Extract<ReasonCode, 'backup.dump_failed' | 'backup.restore_failed'>,
    readonly tool: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
    reason?: string,
  ) {
    super(code, reason ?? `${tool} exited with code ${exitCode ?? 'unknown'}${stderrTail ? `: ${stderrTail}` : ''}`);
    this.name = 'BackupToolError';
  }
}

/**
 * Dumps and restores on one server's Docker Engine, with the engine's own tools inside the
 * containers (pg_dump -Fc / pg_restore, mariadb-dump / mariadb, Redis BGSAVE and the RDB file) and
 * a short-lived helper container for volumes (tar). Streams, never whole copies in memory.
 * `DockerBackupOps` is the real one; `FakeBackupOps` (`@zpanel/remote/testing`) the unit tests'.
 * Every method rejects with the signal's reason once it aborts, and leaves no helper container behind.
 */
export interface BackupOps {
  /**
   * Tables and exact row counts (SQL), keys in database 0 (Redis), at the moment it is called. Table
   * names are `schema.table` for PostgreSQL and `table` for MySQL / MariaDB (the database is the
   * schema, and a restore into another database must compare equal).
   */
  inventory(place: DatabasePlace, target: DatabaseTarget, signal: AbortSignal): Promise<BackupInventory>;
  /** Starts the dump; its container must be running. For Redis, BGSAVE has completed before this resolves. */
  dumpDatabase(target: DatabaseTarget, signal: AbortSignal): Promise<DumpStream>;
  /**
   * Reads `dump` (what `dumpDatabase` of the same engine wrote) into the place, replacing the objects
   * the dump holds (PostgreSQL in one transaction: all or nothing). Redis: the container is stopped,
   * its RDB replaced (any AOF removed, so the RDB is what loads), started again and waited for.
   * Rejects with a `BackupToolError` (`backup.restore_failed`) when the tool exits non-zero.
   */
  restoreDatabase(place: DatabasePlace, target: DatabaseTarget, dump: Readable, signal: AbortSignal): Promise<void>;
  /**
   * A running, ready container of `image` with fresh passwords (for `verify` restores), on the instance
   * network, no published port, labelled; removed by the caller. `like` gives it the source's database
   * and user names (so objects owned by or defined for that user restore as they were); default `zpanel_verify`.
   */
  startScratchDatabase(
    engine: DatabaseEngine,
    image: string,
    signal: AbortSignal,
    like?: { databaseName: string | null; userName: string | null },
  ): Promise<ScratchDatabase>;
  /** A tar stream of the named Docker volume (one of this instance's), from a short-lived helper container mounting it read-only. */
  dumpVolume(volumeName: string, signal: AbortSignal): Promise<DumpStream>;
  /** Replaces the volume's content with the tar stream (the volume emptied first). */
  restoreVolume(volumeName: string, tar: Readable, signal: AbortSignal): Promise<void>;
  /**
   * The regular files, their bytes and the digest of the volume's tar (`TarInventory` over what
   * `dumpVolume` writes): what a verification compares with the inventory a backup counted in its dump.
   */
  volumeInventory(volumeName: string, signal: AbortSignal): Promise<BackupInventory>;
  /**
   * A new, empty volume of this instance's (labelled with its namespace, so `restoreVolume` and
   * `volumeInventory` accept it, and the scratch role) to verify a volume backup in; removed by the
   * caller (`remove` never throws).
   */
  startScratchVolume(signal: AbortSignal): Promise<ScratchVolume>;
}

/** A throwaway volume (`startScratchVolume`). */
export interface ScratchVolume {
  name: string;
  remove(): Promise<void>;
}
