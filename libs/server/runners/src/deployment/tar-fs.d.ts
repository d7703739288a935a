/** The part of tar-fs 2 (no published types) the build context uses. */
declare module 'tar-fs' {
  import type { Readable } from 'node:stream';

  export interface PackOptions {
    /** Leaves out entries for which it returns true (path relative to the packed directory's parent walk). */
    ignore?: (name: string) => boolean;
    /** Exactly these paths (relative to the directory) instead of a walk from it; a directory's children still go through `ignore`. */
    entries?: string[];
    /** Follow symlinks (default false: packed as links). */
    dereference?: boolean;
  }

  export function pack(directory: string, options?: PackOptions): Readable;
}
