import type { Readable } from 'node:stream';
import type { BackupInventory, DatabaseEngine } from '@zpanel/contracts';

/** A dump tool's output while it runs: read `stream` to the end, then await `done` for its exit. */
export interface DumpStream {
  stream: Readable;
  /** Resolves when the tool exited 0; rejects with its exit code and the tail of its stderr otherwise. */
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
  target: DatabaseTarget;
  /** Removes the container and its anonymous volume; never throws. */
  remove(): Promise<void>;
}

/** Where a restore or inventory runs: the database's own container, or a scratch one by name. */
export type DatabasePlace = { databaseId: string } | { container: string };

/**
 * Dumps and restores on one server's Docker Engine, with the engine's own tools inside the
 * containers (pg_dump -Fc / pg_restore, mariadb-dump / mariadb, Redis BGSAVE and the RDB file) and
 * a short-lived helper container for volumes (tar). Streams, never whole copies in memory.
 * `DockerBackupOps` is the real one; `FakeBackupOps` (`@zpanel/remote/testing`) the unit tests'.
 */
export interface BackupOps {
  /** Tables and row counts (SQL), keys (Redis), at the moment it is called. */
  inventory(place: DatabasePlace, target: DatabaseTarget, signal: AbortSignal): Promise<BackupInventory>;
  dumpDatabase(target: DatabaseTarget, signal: AbortSignal): DumpStream | Promise<DumpStream>;
  /** Reads `dump` into the place (its database emptied first for `same`); rejects with the tool's exit code and stderr tail. */
  restoreDatabase(place: DatabasePlace, target: DatabaseTarget, dump: Readable, signal: AbortSignal): Promise<void>;
  /** A running, ready container of `image` with fresh credentials (for `verify` restores); removed by the caller. */
  startScratchDatabase(engine: DatabaseEngine, image: string, signal: AbortSignal): Promise<ScratchDatabase>;
  /** A tar stream of the named Docker volume, from a short-lived helper container mounting it read-only. */
  dumpVolume(volumeName: string, signal: AbortSignal): Promise<DumpStream>;
  /** Replaces the volume's content with the tar stream (the volume emptied first). */
  restoreVolume(volumeName: string, tar: Readable, signal: AbortSignal): Promise<void>;
  /** Files and bytes of regular files in the volume (what a verification compares). */
  volumeInventory(volumeName: string, signal: AbortSignal): Promise<BackupInventory>;
}
