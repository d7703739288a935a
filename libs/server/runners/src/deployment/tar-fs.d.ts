/** The part of tar-fs 2 (no published types) the build context uses. */
declare module 'tar-fs' {
  import type { Readable } from 'node:stream';

  export interface PackOptions {
    /** Leaves out entries for which it returns true (path relative to the packed directory's parent walk). */
    ignore?: (name: string) => boolean;
    /** Follow symlinks (default false: packed as links). */
    dereference?: boolean;
  }

  export function pack(directory: string, options?: PackOptions): Readable;
}
