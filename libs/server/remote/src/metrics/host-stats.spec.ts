import { HOST_STATS_ARGV, cpuPercentBetween, parseCpuLine, parseDf, parseHostStats, parseLoadavg, parseMeminfo } from './host-stats';

const MEMINFO = `MemTotal:       24684084 kB
MemFree:        22893576 kB
MemAvailable:   23377056 kB
Buffers:            8400 kB
Cached:           663796 kB
SwapCached:            0 kB
Active(anon):      81234 kB
HugePages_Total:       0
`;

const DF = `Filesystem     1024-blocks     Used Available Capacity Mounted on
/dev/vda         264212084 24930708  81460204      24% /
`;

const OUTPUT = [
  '@cpu',
  'cpu  40699 0 9140 152820 618 0 186 22 0 0',
  'cpu  40749 0 9190 152900 620 0 186 22 0 0',
  '@meminfo',
  MEMINFO,
  '@loadavg',
  '0.60 1.04 0.76 2/162 16655',
  '@df',
  DF,
].join('\n');

describe('host stats', () => {
  describe(parseCpuLine.name, () => {
    it('counts idle and iowait as idle, and leaves guest time out (it is already in user time)', () => {
      expect(parseCpuLine('cpu  100 5 50 800 20 3 2 1 40 0')).toEqual({ idle: 820, total: 981 });
    });

    it('reads old kernels with four fields, and refuses a per-core or garbled line', () => {
      expect(parseCpuLine('cpu 10 0 10 80')).toEqual({ idle: 80, total: 100 });
      expect(parseCpuLine('cpu0 10 0 10 80 0 0 0 0')).toBeNull();
      expect(parseCpuLine('intr 1 2 3 4')).toBeNull();
      expect(parseCpuLine('cpu x y z w')).toBeNull();
      expect(parseCpuLine('')).toBeNull();
    });
  });

  describe(cpuPercentBetween.name, () => {
    it('is the busy share of the jiffies between two reads', () => {
      expect(cpuPercentBetween({ idle: 800, total: 1000 }, { idle: 875, total: 1100 })).toBe(25);
      expect(cpuPercentBetween({ idle: 0, total: 0 }, { idle: 0, total: 200 })).toBe(100);
      expect(cpuPercentBetween({ idle: 0, total: 0 }, { idle: 200, total: 200 })).toBe(0);
    });

    it('gives null when the counters did not move or went back (a reboot between the reads)', () => {
      expect(cpuPercentBetween({ idle: 800, total: 1000 }, { idle: 800, total: 1000 })).toBeNull();
      expect(cpuPercentBetween({ idle: 800, total: 1000 }, { idle: 10, total: 20 })).toBeNull();
    });
  });

  describe(parseMeminfo.name, () => {
    it('is total minus available, in bytes', () => {
      expect(parseMeminfo(MEMINFO)).toEqual({ usedBytes: (24684084 - 23377056) * 1024, totalBytes: 24684084 * 1024 });
    });

    it('estimates available from free, buffers and page cache on kernels without MemAvailable', () => {
      expect(parseMeminfo('MemTotal: 1000 kB\nMemFree: 300 kB\nBuffers: 100 kB\nCached: 200 kB\n')).toEqual({
        usedBytes: 400 * 1024,
        totalBytes: 1000 * 1024,
      });
    });

    it('gives null without a total, and never a negative use', () => {
      expect(parseMeminfo('MemFree: 300 kB\n')).toBeNull();
      expect(parseMeminfo('MemTotal: 1000 kB\n')).toBeNull();
      expect(parseMeminfo('MemTotal: 1000 kB\nMemAvailable: 5000 kB\n')).toEqual({ usedBytes: 0, totalBytes: 1024000 });
      expect(parseMeminfo('')).toBeNull();
    });
  });

  describe(parseLoadavg.name, () => {
    it('reads the three averages', () => {
      expect(parseLoadavg('0.60 1.04 0.76 2/162 16655\n')).toEqual({ load1: 0.6, load5: 1.04, load15: 0.76 });
      expect(parseLoadavg('12 3.5 0')).toEqual({ load1: 12, load5: 3.5, load15: 0 });
    });

    it('refuses anything else', () => {
      expect(parseLoadavg('')).toBeNull();
      expect(parseLoadavg('cat: /proc/loadavg: No such file or directory')).toBeNull();
      expect(parseLoadavg('-1 2 3')).toBeNull();
    });
  });

  describe(parseDf.name, () => {
    it('takes used and used + available of the root filesystem, so used/total is df’s Use%', () => {
      const disk = parseDf(DF);
      expect(disk).toEqual({ usedBytes: 24930708 * 1024, totalBytes: (24930708 + 81460204) * 1024 });
      expect(Math.ceil(((disk?.usedBytes ?? 0) / (disk?.totalBytes ?? 1)) * 100)).toBe(24);
    });

    it('reads a filesystem name with spaces, and ignores other mounts', () => {
      expect(parseDf('Filesystem 1024-blocks Used Available Capacity Mounted on\nmy disk  100 30 70 30% /\n')).toEqual({
        usedBytes: 30 * 1024,
        totalBytes: 100 * 1024,
      });
      expect(parseDf('Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sdb 100 30 70 30% /data\n')).toBeNull();
    });

    it('gives null for an error or an empty filesystem', () => {
      expect(parseDf('df: /: No such file or directory')).toBeNull();
      expect(parseDf('x 0 0 0 -% /')).toBeNull();
    });
  });

  describe(parseHostStats.name, () => {
    it('reads every figure from the fixed command’s output', () => {
      const stats = parseHostStats(OUTPUT);
      // Between the reads: 50 + 50 busy jiffies of 50 + 50 + 80 + 2 = 182.
      expect(stats.cpuPercent).toBeCloseTo((100 / 182) * 100, 6);
      expect(stats).toMatchObject({
        memoryUsedBytes: (24684084 - 23377056) * 1024,
        memoryTotalBytes: 24684084 * 1024,
        diskUsedBytes: 24930708 * 1024,
        diskTotalBytes: (24930708 + 81460204) * 1024,
        load1: 0.6,
        load5: 1.04,
        load15: 0.76,
      });
    });

    it('gives nulls for the parts that are missing, and keeps the others', () => {
      const stats = parseHostStats(['@cpu', 'cpu  1 0 1 8', '@meminfo', '@loadavg', '0.1 0.2 0.3 1/1 1', '@df', 'df: not found'].join('\n'));
      expect(stats).toEqual({
        cpuPercent: null,
        memoryUsedBytes: null,
        memoryTotalBytes: null,
        diskUsedBytes: null,
        diskTotalBytes: null,
        load1: 0.1,
        load5: 0.2,
        load15: 0.3,
      });
      expect(parseHostStats('')).toEqual(expect.objectContaining({ cpuPercent: null, load1: null }));
    });
  });

  it('runs one constant script as an argv (nothing in it comes from a user)', () => {
    expect(HOST_STATS_ARGV[0]).toBe('sh');
    expect(HOST_STATS_ARGV[1]).toBe('-c');
    expect(HOST_STATS_ARGV).toHaveLength(3);
    expect(Object.isFrozen(HOST_STATS_ARGV)).toBe(true);
    expect(HOST_STATS_ARGV[2]).toContain('/proc/stat');
    expect(HOST_STATS_ARGV[2]).toContain('df -P -k /');
  });
});
