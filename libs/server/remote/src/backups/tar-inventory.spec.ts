import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Headers, pack } from 'tar-stream';
import { TarInventory } from './tar-inventory';

type Entry = Headers & { data?: Buffer | string; pax?: Record<string, string> };

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A tar of the entries (tar-stream's writer; `pax` forces a pax header). */
async function tarOf(entries: Entry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const read = (async () => {
    for await (const chunk of archive) chunks.push(chunk as Buffer);
  })();
  for (const { data, ...header } of entries) {
    await new Promise<void>((resolve, reject) =>
      archive.entry({ mode: 0o644, uid: 0, gid: 0, ...header }, data ?? '', (error) => (error ? reject(error) : resolve())),
    );
  }
  archive.finalize();
  await read;
  return Buffer.concat(chunks);
}

/** Writes bytes into the header at `offset` (a GNU long-name entry's type flag, a name that is not UTF-8: tar-stream writes neither), and its checksum. */
function patchHeader(tar: Buffer, offset: number, at: number, bytes: Buffer): void {
  const header = tar.subarray(offset, offset + 512);
  bytes.copy(header, at);
  header.fill(0x20, 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
}

/** Runs the tar through the inventory in small chunks; returns the inventory and what passed. */
async function inventoryOf(tar: Buffer, chunkSize = 333): Promise<{ inventory: ReturnType<TarInventory['inventory']>; passed: Buffer }> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < tar.length; at += chunkSize) chunks.push(tar.subarray(at, at + chunkSize));
  const tap = new TarInventory();
  const passed: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    tap,
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        passed.push(chunk);
        done();
      },
    }),
  );
  return { inventory: tap.inventory(), passed: Buffer.concat(passed) };
}

/** The digest the helper's script computed: the listing's lines sorted bytewise, each ended by a newline. */
const listingDigest = (lines: string[]) =>
  sha(
    lines
      .map((line) => Buffer.from(line))
      .sort(Buffer.compare)
      .map((line) => `${line.toString()}\n`)
      .join(''),
  );

describe(TarInventory.name, () => {
  it('passes the bytes on unchanged and lists types, modes, owners, links and checksums as the helper listed them', async () => {
    const tar = await tarOf([
      { name: './', type: 'directory', mode: 0o755 },
      { name: './dir/', type: 'directory', mode: 0o2750, uid: 33, gid: 33 },
      { name: './dir/a.txt', data: 'hello\n', mode: 0o640, uid: 999, gid: 998 },
      { name: './empty', data: '' },
      { name: './run.sh', data: '#!/bin/sh\n', mode: 0o4755 },
      { name: './link-to-a', type: 'symlink', linkname: 'dir/a.txt', mode: 0o777 },
      { name: './hard-a', type: 'link', linkname: './dir/a.txt', mode: 0o640, uid: 999, gid: 998 },
      { name: './fifo', type: 'fifo', mode: 0o600 },
      { name: './null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 },
      { name: './disk', type: 'block-device', mode: 0o660, uid: 0, gid: 6, devmajor: 8, devminor: 0 },
    ]);
    const { inventory, passed } = await inventoryOf(tar);
    expect(passed.equals(tar)).toBe(true);
    expect(inventory).toEqual({
      files: 4,
      bytes: 6 + 0 + 10 + 6,
      digest: listingDigest([
        '45e8 33:33 ./dir',
        '81a0 999:998 ./dir/a.txt',
        '81a4 0:0 ./empty',
        '89ed 0:0 ./run.sh',
        'a1ff 0:0 ./link-to-a',
        '81a0 999:998 ./hard-a',
        '1180 0:0 ./fifo',
        '21b6 0:0 ./null',
        '61b0 0:6 ./disk',
        './link-to-a -> dir/a.txt',
        `${sha('hello\n')}  ./dir/a.txt`,
        `${sha('')}  ./empty`,
        `${sha('#!/bin/sh\n')}  ./run.sh`,
        `${sha('hello\n')}  ./hard-a`,
      ]),
    });
  });

  it("changes the digest, not the counts, when a mode, an owner, a byte or a link's target differs", async () => {
    const base: Entry[] = [
      { name: './a', data: 'abc', mode: 0o644, uid: 1, gid: 1 },
      { name: './l', type: 'symlink', linkname: 'a', mode: 0o777 },
    ];
    const { inventory } = await inventoryOf(await tarOf(base));
    const variants: Entry[][] = [
      [{ ...base[0], mode: 0o600 }, base[1]],
      [{ ...base[0], uid: 2 }, base[1]],
      [{ ...base[0], data: 'abd' }, base[1]],
      [base[0], { ...base[1], linkname: 'b' }],
    ];
    for (const variant of variants) {
      const other = (await inventoryOf(await tarOf(variant))).inventory;
      expect(other).toMatchObject({ files: inventory.files, bytes: inventory.bytes });
      expect(other.digest).not.toBe(inventory.digest);
    }
  });

  it('reads long names (GNU and pax headers), non-UTF-8 bytes and a name with a newline as the listing held them', async () => {
    const long = `./${'deep/'.repeat(40)}fïle-${'x'.repeat(150)}`;
    // GNU tar's and busybox's way: a ././@LongLink entry holding the name, then the entry with it cut.
    const longBytes = Buffer.from(`${long}\0`);
    const gnuStyle = await tarOf([
      { name: '././@LongLink', data: longBytes },
      { name: long.slice(0, 99), data: 'l' },
    ]);
    patchHeader(gnuStyle, 0, 156, Buffer.from('L'));
    const paxStyle = await tarOf([{ name: long, data: 'l' }]);
    expect(paxStyle.includes(Buffer.from('path='))).toBe(true);
    const expected = { files: 1, bytes: 1, digest: listingDigest([`81a4 0:0 ${long}`, `${sha('l')}  ${long}`]) };
    expect((await inventoryOf(gnuStyle)).inventory).toEqual(expected);
    expect((await inventoryOf(paxStyle)).inventory).toEqual(expected);

    const oddBytes = Buffer.from([0x2e, 0x2f, 0x63, 0x61, 0x66, 0xe9]); // "./caf\xe9", not UTF-8
    const oddTar = await tarOf([{ name: './cafX', data: '' }]);
    patchHeader(oddTar, 0, 0, oddBytes);
    const odd = await inventoryOf(oddTar);
    const oddDigest = sha(
      Buffer.concat(
        [Buffer.concat([Buffer.from('81a4 0:0 '), oddBytes]), Buffer.concat([Buffer.from(`${sha('')}  `), oddBytes])]
          .sort(Buffer.compare)
          .flatMap((line) => [line, Buffer.from('\n')]),
      ),
    );
    expect(odd.inventory.digest).toBe(oddDigest);

    const newline = await inventoryOf(await tarOf([{ name: './two\nlines', data: 'n' }]));
    expect(newline.inventory.digest).toBe(listingDigest(['81a4 0:0 ./two', 'lines', `${sha('n')}  ./two`, 'lines']));
  });

  it('counts an empty archive as nothing, and leaves out the root whatever its mode', async () => {
    const { inventory } = await inventoryOf(await tarOf([{ name: './', type: 'directory', mode: 0o1777, uid: 5, gid: 5 }]));
    expect(inventory).toEqual({ files: 0, bytes: 0, digest: sha('') });
  });

  it('hashes a file far larger than a chunk without holding it: same as hashing the bytes whole', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const { inventory } = await inventoryOf(await tarOf([{ name: './big', data: big }]), 64 * 1024);
    expect(inventory).toEqual({ files: 1, bytes: big.length, digest: listingDigest(['81a4 0:0 ./big', `${sha(big)}  ./big`]) });
  });

  it('fails the stream when it is not a whole tar (garbage, or cut inside a file)', async () => {
    await expect(inventoryOf(Buffer.from('not a tar at all, '.repeat(100)))).rejects.toMatchObject({
      code: 'backup.dump_failed',
      reason: expect.stringMatching(/^The volume's tar stream could not be read: /),
    });
    const tar = await tarOf([{ name: './a', data: Buffer.alloc(5000, 1) }]);
    await expect(inventoryOf(tar.subarray(0, 2048))).rejects.toThrow(/tar stream could not be read/);
  });

  it('refuses a hard link to a name the archive did not hold before', async () => {
    await expect(inventoryOf(await tarOf([{ name: './h', type: 'link', linkname: './nowhere' }]))).rejects.toThrow(/hard link/);
  });

  it('answers only once the stream has ended', () => {
    expect(() => new TarInventory().inventory()).toThrow(/not ended/);
  });
});
