import type { BackupInventory } from '@zpanel/contracts';

const MAX_NAMED_DIFFERENCES = 5;

/** "1 table", "3 rows": the detail is read by people on the backup's row. */
const counted = (n: number, noun: string) => `${n} ${n === 1 ? noun : `${noun}s`}`;

/**
 * Whether a restored copy holds what the dump recorded: the same tables with the same row counts
 * (SQL), the same number of keys (Redis), files, bytes and the digest of their checksums, modes and
 * owners (volumes; backups recorded before the digest compare files and bytes). `detail` says what was compared,
 * or names the first differences, for the backup's verification line.
 */
export function compareInventories(expected: BackupInventory, actual: BackupInventory): { matches: boolean; detail: string } {
  const differences: string[] = [];
  const compared: string[] = [];
  if (expected.tables) {
    const restored = new Map((actual.tables ?? []).map((t) => [t.name, t.rows]));
    const dumped = new Set(expected.tables.map((t) => t.name));
    for (const table of expected.tables) {
      const rows = restored.get(table.name);
      if (rows === undefined) differences.push(`table ${table.name} is missing`);
      else if (rows !== table.rows) differences.push(`table ${table.name} has ${rows} rows, the dump recorded ${table.rows}`);
    }
    for (const name of restored.keys()) if (!dumped.has(name)) differences.push(`table ${name} was not in the dump`);
    const rows = expected.tables.reduce((sum, t) => sum + t.rows, 0);
    compared.push(`${counted(expected.tables.length, 'table')} and ${counted(rows, 'row')}`);
  }
  for (const field of ['keys', 'files', 'bytes'] as const) {
    const want = expected[field];
    if (want === undefined) continue;
    if (actual[field] !== want) differences.push(`${actual[field] ?? 'no'} ${field}, the dump recorded ${want}`);
    compared.push(`${want} ${field}`);
  }
  if (expected.digest !== undefined) {
    if (actual.digest !== expected.digest) differences.push("the files' contents, modes or owners differ from the dump's (their SHA-256 digest)");
    compared.push('their checksums');
  }
  if (differences.length === 0) return { matches: true, detail: `restored cleanly; ${compared.join(', ') || 'nothing'} match the dump` };
  const named = differences.slice(0, MAX_NAMED_DIFFERENCES).join('; ');
  const more = differences.length > MAX_NAMED_DIFFERENCES ? ` (and ${differences.length - MAX_NAMED_DIFFERENCES} more differences)` : '';
  return { matches: false, detail: `restored, but ${named}${more}` };
}
