import type { HostStats } from '@zpanel/contracts';

/**
 * Host figures of a Linux server from one fixed command: two reads of /proc/stat half a second
 * apart (CPU busy share over that half second), /proc/meminfo, /proc/loadavg and `df -P -k /`.
 * The script is a constant (no user data), still run as an argv through the quoting helper.
 * Each part is parsed on its own: a part that is missing or unreadable gives nulls, not a failure.
 */

// `sleep 0.5` is not POSIX; a shell whose sleep refuses fractions waits a whole second instead
// (the CPU share is computed from the counters' own deltas, so the wait only has to be non-zero).
const HOST_STATS_SCRIPT = [
  'LC_ALL=C; export LC_ALL',
  "printf '@cpu\\n'; head -n 1 /proc/stat",
  'sleep 0.5 2>/dev/null || sleep 1',
  'head -n 1 /proc/stat',
  "printf '@meminfo\\n'; cat /proc/meminfo",
  "printf '@loadavg\\n'; cat /proc/loadavg",
  "printf '@df\\n'; df -P -k /",
].join('\n');

export const HOST_STATS_ARGV: readonly string[] = Object.freeze(['sh', '-c', HOST_STATS_SCRIPT]);

export interface CpuTimes {
  /** Jiffies spent idle (idle + iowait). */
  idle: number;
  /** Jiffies over all states. */
  total: number;
}

/** The aggregate `cpu` line of /proc/stat. Guest time is already counted in user time, so it is left out. */
export function parseCpuLine(line: string): CpuTimes | null {
  const match = /^cpu\s+(.*)$/.exec(line.trim());
  if (!match) return null;
  const fields = match[1].split(/\s+/).map(Number);
  if (fields.length < 4 || fields.slice(0, 4).some((n) => !Number.isFinite(n))) return null;
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields.map((n) => (Number.isFinite(n) ? n : 0));
  return { idle: idle + iowait, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

/** Busy share between two reads, 0..100; null when the counters did not advance (or went back). */
export function cpuPercentBetween(first: CpuTimes, second: CpuTimes): number | null {
  const total = second.total - first.total;
  const idle = second.idle - first.idle;
  if (total <= 0 || idle < 0) return null;
  return clampPercent(((total - idle) / total) * 100);
}

/** Used = MemTotal - MemAvailable (kernels before 3.14 lack MemAvailable: free + buffers + page cache). */
export function parseMeminfo(text: string): { usedBytes: number; totalBytes: number } | null {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?\s*$/.exec(line.trim());
    if (match) kb.set(match[1], Number(match[2]));
  }
  const total = kb.get('MemTotal');
  if (total === undefined || total <= 0) return null;
  const free = kb.get('MemFree');
  const available = kb.get('MemAvailable') ?? (free === undefined ? undefined : free + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0));
  if (available === undefined) return null;
  const used = Math.min(Math.max(total - available, 0), total);
  return { usedBytes: used * 1024, totalBytes: total * 1024 };
}

export function parseLoadavg(text: string): { load1: number; load5: number; load15: number } | null {
  const match = /^(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)(\s|$)/.exec(text.trim());
  if (!match) return null;
  return { load1: Number(match[1]), load5: Number(match[2]), load15: Number(match[3]) };
}

/**
 * The root filesystem's line of `df -P -k /` (POSIX format: one line per filesystem, sizes in
 * KiB). Read from the end, since a filesystem name may contain spaces.
 */
export function parseDf(text: string): { usedBytes: number; totalBytes: number } | null {
  for (const line of text.split('\n').reverse()) {
    const match = /\s(\d+)\s+(\d+)\s+(\d+)\s+(\d+|-)%\s+\/\s*$/.exec(line);
    if (!match) continue;
    const used = Number(match[2]);
    const available = Number(match[3]);
    if (used + available <= 0) return null;
    return { usedBytes: used * 1024, totalBytes: (used + available) * 1024 };
  }
  return null;
}

/** The script's output, by section (`@cpu`, `@meminfo`, …). */
function sections(stdout: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const marker = /^@(\w+)$/.exec(line.trim());
    if (marker) {
      current = [];
      result.set(marker[1], current);
    } else if (current && line.trim() !== '') {
      current.push(line);
    }
  }
  return result;
}

export function parseHostStats(stdout: string): HostStats {
  const parts = sections(stdout);
  const cpuLines = (parts.get('cpu') ?? []).map(parseCpuLine);
  const [first, second] = cpuLines;
  const memory = parseMeminfo((parts.get('meminfo') ?? []).join('\n'));
  const load = parseLoadavg((parts.get('loadavg') ?? [])[0] ?? '');
  const disk = parseDf((parts.get('df') ?? []).join('\n'));
  return {
    cpuPercent: first && second ? cpuPercentBetween(first, second) : null,
    memoryUsedBytes: memory?.usedBytes ?? null,
    memoryTotalBytes: memory?.totalBytes ?? null,
    diskUsedBytes: disk?.usedBytes ?? null,
    diskTotalBytes: disk?.totalBytes ?? null,
    load1: load?.load1 ?? null,
    load5: load?.load5 ?? null,
    load15: load?.load15 ?? null,
  };
}

export function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}
