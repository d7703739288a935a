/**
 * Just enough of the tar format for the Docker archive API (`putArchive` / `getArchive`) to carry
 * one small config file into and out of a container: a directory entry plus files, POSIX ustar,
 * short names only. A full tar library would be one more dependency for a few hundred bytes.
 */

const BLOCK = 512;

export interface TarEntry {
  /** Relative path; a directory ends with `/`. At most 100 bytes (no long-name extensions). */
  name: string;
  mode: number;
  /** Absent for a directory. */
  content?: Buffer;
}

function octal(value: number, width: number): string {
  // width - 1 digits, then NUL: the form every tar reader accepts.
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(entry: TarEntry): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  if (name.length === 0 || name.length > 100) throw new Error(`tar entry name must be 1-100 bytes: ${JSON.stringify(entry.name)}`);
  const directory = entry.name.endsWith('/');
  const block = Buffer.alloc(BLOCK, 0);
  name.copy(block, 0);
  block.write(octal(entry.mode & 0o7777, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii'); // uid: root
  block.write(octal(0, 8), 116, 'ascii'); // gid: root
  block.write(octal(directory ? 0 : (entry.content?.length ?? 0), 12), 124, 'ascii');
  block.write(octal(Math.floor(Date.now() / 1000), 12), 136, 'ascii');
  block.write(directory ? '5' : '0', 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  // The checksum is computed with its own field read as eight spaces.
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 'ascii');
  return block;
}

/** A complete archive (with the two zero blocks that end it). */
export function packTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry));
    if (!entry.name.endsWith('/') && entry.content) {
      parts.push(entry.content);
      const padding = (BLOCK - (entry.content.length % BLOCK)) % BLOCK;
      if (padding > 0) parts.push(Buffer.alloc(padding, 0));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

function readOctal(block: Buffer, offset: number, width: number): number {
  const text = block
    .subarray(offset, offset + width)
    .toString('ascii')
    .replace(/[\0 ]+$/g, '')
    .trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/**
 * The content of the first regular file in an archive (what `getArchive` of one file returns).
 * Extended headers (pax `x`/`g`, GNU long names) that Docker may put before it are skipped.
 */
export function firstFileOfTar(archive: Buffer): Buffer | undefined {
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const block = archive.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) return undefined;
    const size = readOctal(block, 124, 12);
    const type = String.fromCharCode(block[156]);
    const start = offset + BLOCK;
    if (type === '0' || type === '\0') {
      if (start + size > archive.length) throw new Error('tar archive ends inside a file');
      return archive.subarray(start, start + size);
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}
