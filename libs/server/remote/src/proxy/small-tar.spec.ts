import { firstFileOfTar, packTar } from './small-tar';

const checksumOk = (block: Buffer) => {
  const stored = parseInt(block.subarray(148, 156).toString('ascii').replace(/[\0 ]/g, ''), 8);
  const copy = Buffer.from(block);
  copy.fill(' ', 148, 156);
  return stored === copy.reduce((sum, b) => sum + b, 0);
};

describe('small tar', () => {
  it('packs a directory and a file as ustar blocks that read back byte-exact', () => {
    const content = Buffer.from('{"a":"é\\n"}\n'.repeat(100), 'utf8');
    const archive = packTar([
      { name: 'dir/', mode: 0o700 },
      { name: 'dir/file.json', mode: 0o600, content },
    ]);
    expect(archive.length % 512).toBe(0);
    // dir header + file header + ceil(size/512) data blocks + two end blocks
    expect(archive.length).toBe(512 * (2 + Math.ceil(content.length / 512) + 2));
    const dir = archive.subarray(0, 512);
    const file = archive.subarray(512, 1024);
    expect(dir.subarray(0, 4).toString()).toBe('dir/');
    expect(String.fromCharCode(dir[156])).toBe('5');
    expect(String.fromCharCode(file[156])).toBe('0');
    expect(file.subarray(257, 262).toString()).toBe('ustar');
    expect(file.subarray(100, 107).toString()).toBe('0000600');
    expect(checksumOk(dir) && checksumOk(file)).toBe(true);
    expect(firstFileOfTar(archive)?.equals(content)).toBe(true);
  });

  it('skips extended (pax) headers before the file, and finds nothing in an empty archive', () => {
    const pax = packTar([{ name: 'PaxHeaders/file', mode: 0o644, content: Buffer.from('30 mtime=1700000000.123456789\n') }]);
    // Turn the first entry into a pax header ('x') with a valid checksum.
    pax[156] = 'x'.charCodeAt(0);
    pax.fill(' ', 148, 156);
    const sum = pax.subarray(0, 512).reduce((s, b) => s + b, 0);
    pax.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
    const file = packTar([{ name: 'file', mode: 0o644, content: Buffer.from('hello') }]);
    const joined = Buffer.concat([pax.subarray(0, 1024), file]);
    expect(firstFileOfTar(joined)?.toString()).toBe('hello');
    expect(firstFileOfTar(packTar([]))).toBeUndefined();
    expect(firstFileOfTar(packTar([{ name: 'only-a-dir/', mode: 0o755 }]))).toBeUndefined();
  });

  it('refuses names that do not fit a plain header', () => {
    expect(() => packTar([{ name: 'x'.repeat(101), mode: 0o644, content: Buffer.from('') }])).toThrow(/1-100 bytes/);
    expect(() => packTar([{ name: '', mode: 0o644 }])).toThrow(/1-100 bytes/);
  });
});
