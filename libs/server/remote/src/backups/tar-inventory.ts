import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { BackupInventory } from '@zpanel/contracts';
import { ReasonError } from '@zpanel/core';
import { extract, type Headers } from 'tar-stream';

/** The type bits of `st_mode` (what `stat -c %f` prints above the permission bits), by tar entry type. */
const TYPE_BITS: Partial<Record<NonNullable<Headers['type']>, number>> = {
  file: 0o100000,
  'contiguous-file': 0o100000,
  link: 0o100000,
  symlink: 0o120000,
  'character-device': 0o020000,
  'block-device': 0o060000,
  directory: 0o040000,
  fifo: 0o010000,
};

/**
 * Passes a volume's tar stream (`tar -c -C /volume .`) on unchanged and computes, from the entries
 * as they pass, the volume's inventory: the regular files, their bytes and the `digest`
 * (docs/backups.md): the SHA-256 of the bytewise-sorted lines of every entry's raw mode in hex,
 * numeric owner and path (`stat -c '%f %u:%g %n'`), every symbolic link's `path -> target` and every
 * regular file's `sha256  path`; the formula the helper's `find`/`stat`/`sha256sum` script used
 * before, so backups recorded with it still verify. Counting what the tar holds, rather than reading
 * the volume again, makes the inventory describe exactly the bytes that were backed up, however the
 * volume changes meanwhile. A file's bytes are hashed as they pass (never held); what is kept is the
 * listing's lines (it has to be sorted) and each regular file's checksum and size, for the hard links
 * that name it later in the archive: about 0.5 KB a file (docs/backups.md). `inventory()` answers once the stream has ended;
 * a stream that is not a whole tar fails the stream (`backup.dump_failed`, in words).
 */
export class TarInventory extends Transform {
  private readonly parser = extract({ filenameEncoding: 'latin1' });
  /** The listing's lines as byte strings (strings take far less memory than a Buffer each). */
  private readonly lines: string[] = [];
  /** Each regular file's `sha256 size`, by path, for the hard links to it later in the archive. */
  private readonly regular = new Map<string, string>();
  private files = 0;
  private bytes = 0;
  private failure: ReasonError | null = null;
  private result: BackupInventory | null = null;

  constructor() {
    super();
    this.parser.on('entry', (header: Headers, entry: NodeJS.ReadableStream, next: (error?: unknown) => void) => {
      try {
        this.onEntry(header, entry, next);
      } catch (error) {
        next(error);
      }
    });
    this.parser.on('error', (error: Error) => {
      this.failure ??= new ReasonError('backup.dump_failed', `The volume's tar stream could not be read: ${error.message}`);
    });
  }

  /** The inventory of what passed; only after the stream ended. */
  inventory(): BackupInventory {
    if (!this.result) throw new Error('the tar stream has not ended');
    return this.result;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.failure) return done(this.failure);
    if (this.parser.write(chunk)) return done(null, chunk);
    // Waits for the parser (hashing the entry it is in) so a slow parse holds the dump back instead of queueing it.
    const onDrain = () => {
      this.parser.off('error', onError);
      done(null, chunk);
    };
    const onError = () => {
      this.parser.off('drain', onDrain);
      done(this.failure);
    };
    this.parser.once('drain', onDrain);
    this.parser.once('error', onError);
  }

  override _flush(done: TransformCallback): void {
    if (this.failure) return done(this.failure);
    this.parser.once('finish', () => {
      if (this.failure) return done(this.failure);
      this.result = { files: this.files, bytes: this.bytes, digest: this.digest() };
      done();
    });
    this.parser.once('error', () => done(this.failure));
    this.parser.end();
  }

  private onEntry(header: Headers & { pax?: Record<string, string> }, entry: NodeJS.ReadableStream, next: (error?: unknown) => void): void {
    const path = entryPath(header.name, header.pax?.['path'] !== undefined);
    const type = header.type ?? 'file';
    const typeBits = TYPE_BITS[type];
    if (typeBits === undefined) throw new Error(`unexpected tar entry type ${type} for ${readable(path)}`);
    const uid = Number(header.pax?.['uid'] ?? header.uid ?? 0);
    const gid = Number(header.pax?.['gid'] ?? header.gid ?? 0);
    const mode = typeBits | ((header.mode ?? 0) & 0o7777);
    // A broken archive fails the parser, which says so; the entry's own copy of that error is not another one.
    entry.on('error', () => undefined);
    // The volume's root (`./`) is what find's -mindepth 1 left out; its mode belongs to the volume, not to what was backed up.
    if (path !== '.') this.addLine(`${mode.toString(16)} ${uid}:${gid} ${path}`);
    if (type === 'symlink') {
      // readlink inside `$(…)`, which drops the target's trailing newlines.
      const target = byteString(header.linkname ?? '', header.pax?.['linkpath'] !== undefined).replace(/\n+$/, '');
      this.addLine(`${path} -> ${target}`);
    }
    if (type === 'link') {
      // A hard link's data is its first name's, earlier in the archive; find sees both as regular files.
      const target = entryPath(header.linkname ?? '', header.pax?.['linkpath'] !== undefined);
      const first = this.regular.get(target);
      if (first === undefined) throw new Error(`hard link ${readable(path)} to ${readable(target)}, which the archive did not hold before`);
      const space = first.indexOf(' ');
      this.addFile(path, first.slice(0, space), Number(first.slice(space + 1)));
      entry.resume();
      entry.on('end', () => next());
      return;
    }
    if (type === 'file' || type === 'contiguous-file') {
      const hash = createHash('sha256');
      let size = 0;
      entry.on('data', (data: Buffer) => {
        size += data.length;
        hash.update(data);
      });
      entry.on('end', () => {
        try {
          const sha256 = hash.digest('hex');
          this.regular.set(path, `${sha256} ${size}`);
          this.addFile(path, sha256, size);
          next();
        } catch (error) {
          next(error);
        }
      });
      return;
    }
    entry.resume();
    entry.on('end', () => next());
  }

  private addFile(path: string, sha256: string, size: number): void {
    this.files += 1;
    this.bytes += size;
    this.addLine(`${sha256}  ${path}`);
  }

  /** `sort` reads lines: a name holding a newline gives two, as it did in the helper's listing. */
  private addLine(line: string): void {
    for (const part of line.split('\n')) this.lines.push(part);
  }

  /**
   * `LC_ALL=C sort | sha256sum`: bytewise order, each line ended by a newline. The lines are byte
   * strings (one character a byte), whose default order is their bytes' order.
   */
  private digest(): string {
    this.lines.sort();
    const hash = createHash('sha256');
    for (const line of this.lines) hash.update(line, 'latin1').update('\n');
    return hash.digest('hex');
  }
}

/**
 * A name as a byte string (one character a byte, what `latin1` encodes back to the bytes): the
 * header's own bytes as they were (read as latin1), a pax record's UTF-8 turned back into its bytes.
 */
function byteString(name: string, fromPax: boolean): string {
  return fromPax ? Buffer.from(name, 'utf8').toString('latin1') : name;
}

/** For a message: the name's bytes read as UTF-8. */
function readable(path: string): string {
  return Buffer.from(path, 'latin1').toString('utf8');
}

/** The path as find printed it (`./dir/file`), a byte string: tar's trailing slash of a directory dropped, `./` in front. */
function entryPath(name: string, fromPax: boolean): string {
  let text = byteString(name, fromPax);
  while (text.length > 1 && text.endsWith('/')) text = text.slice(0, -1);
  if (text === '.' || text === './') return '.';
  if (text.startsWith('./')) text = text.slice(2);
  else if (text.startsWith('/')) text = text.replace(/^\/+/, '');
  return `./${text}`;
}
