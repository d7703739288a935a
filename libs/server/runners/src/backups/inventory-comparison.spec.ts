import { compareInventories } from './inventory-comparison';

describe(compareInventories.name, () => {
  const dumped = {
    tables: [
      { name: 'public.a', rows: 2 },
      { name: 'public.b', rows: 0 },
    ],
  };

  it('says what matched', () => {
    expect(compareInventories(dumped, { tables: [...dumped.tables].reverse() })).toEqual({
      matches: true,
      detail: 'restored cleanly; 2 tables and 2 rows match the dump',
    });
    expect(compareInventories({ keys: 5 }, { keys: 5 })).toEqual({ matches: true, detail: 'restored cleanly; 5 keys match the dump' });
    const one = { tables: [{ name: 'public.a', rows: 1 }] };
    expect(compareInventories(one, one).detail).toBe('restored cleanly; 1 table and 1 row match the dump');
  });

  it('names missing, extra and miscounted tables, and counts the rest', () => {
    const restored = {
      tables: [
        { name: 'public.a', rows: 1 },
        { name: 'public.c', rows: 0 },
      ],
    };
    expect(compareInventories(dumped, restored)).toEqual({
      matches: false,
      detail: 'restored, but table public.a has 1 rows, the dump recorded 2; table public.b is missing; table public.c was not in the dump',
    });
    const many = { tables: Array.from({ length: 8 }, (_, i) => ({ name: `t${i}`, rows: 1 })) };
    expect(compareInventories(many, { tables: [] }).detail).toMatch(/table t4 is missing \(and 3 more differences\)$/);
  });

  it('compares files and bytes of a volume', () => {
    expect(compareInventories({ files: 3, bytes: 10 }, { files: 3, bytes: 9 })).toEqual({
      matches: false,
      detail: 'restored, but 9 bytes, the dump recorded 10',
    });
  });

  it("compares a volume's digest of checksums, modes and owners too, when the backup recorded one", () => {
    const digest = 'a'.repeat(64);
    expect(compareInventories({ files: 3, bytes: 10, digest }, { files: 3, bytes: 10, digest })).toEqual({
      matches: true,
      detail: 'restored cleanly; 3 files, 10 bytes, their checksums match the dump',
    });
    expect(compareInventories({ files: 3, bytes: 10, digest }, { files: 3, bytes: 10, digest: 'b'.repeat(64) })).toEqual({
      matches: false,
      detail: "restored, but the files' contents, modes or owners differ from the dump's (their SHA-256 digest)",
    });
    // A backup from before the digest: files and bytes only.
    expect(compareInventories({ files: 3, bytes: 10 }, { files: 3, bytes: 10, digest }).matches).toBe(true);
  });
});
