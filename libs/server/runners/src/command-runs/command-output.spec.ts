import { COMMAND_OUTPUT_CAP_BYTES, COMMAND_OUTPUT_TRUNCATED_MARKER } from '@zpanel/contracts';
import { CommandOutput, PeriodicFlusher, cutToBytes } from './command-output';

const b = (text: string) => Buffer.from(text, 'utf8');

describe(CommandOutput.name, () => {
  it('keeps stdout and stderr interleaved as they arrived, and merges consecutive pieces of a stream into one live event', () => {
    const output = new CommandOutput();
    output.write('stdout', b('hello\n'));
    output.write('stdout', b('again\n'));
    output.write('stderr', b('oops\n'));
    output.write('stdout', b('bye\n'));
    output.end();
    expect(output.text).toBe('hello\nagain\noops\nbye\n');
    expect(output.takeEvents()).toEqual([
      { type: 'output', stream: 'stdout', data: 'hello\nagain\n' },
      { type: 'output', stream: 'stderr', data: 'oops\n' },
      { type: 'output', stream: 'stdout', data: 'bye\n' },
    ]);
    expect(output.takeEvents()).toEqual([]);
    expect(output.truncated).toBe(false);
  });

  it('hands out each piece once: what was taken is not taken again', () => {
    const output = new CommandOutput();
    output.write('stdout', b('a'));
    expect(output.takeEvents()).toEqual([{ type: 'output', stream: 'stdout', data: 'a' }]);
    output.write('stdout', b('b'));
    expect(output.takeEvents()).toEqual([{ type: 'output', stream: 'stdout', data: 'b' }]);
    expect(output.text).toBe('ab');
  });

  it('reassembles a character split across chunks of one stream, even with the other stream in between', () => {
    const output = new CommandOutput();
    const euro = b('€'); // 3 bytes
    output.write('stdout', euro.subarray(0, 1));
    output.write('stderr', b('e'));
    output.write('stdout', euro.subarray(1));
    output.end();
    expect(output.text).toBe('e€');
  });

  it('stores NUL bytes and invalid UTF-8 as replacement characters (Postgres text refuses NUL)', () => {
    const output = new CommandOutput();
    output.write('stdout', Buffer.from([0x61, 0x00, 0x62, 0xff, 0x63]));
    output.end();
    expect(output.text).toBe('a\uFFFDb\uFFFDc');
    expect(output.text).not.toContain('\0');
  });

  it('caps the output at the byte limit, then adds the marker once and ignores the rest', () => {
    const output = new CommandOutput(10, '[cut]');
    output.write('stdout', b('12345678'));
    output.write('stderr', b('abcdef'));
    output.write('stdout', b('more'));
    output.write('stderr', b('and more'));
    output.end();
    expect(output.text).toBe('12345678ab[cut]');
    expect(output.truncated).toBe(true);
    expect(output.takeEvents()).toEqual([
      { type: 'output', stream: 'stdout', data: '12345678' },
      { type: 'output', stream: 'stderr', data: 'ab[cut]' },
    ]);
  });

  it('keeps output of exactly the cap whole, without a marker', () => {
    const output = new CommandOutput(4, '[cut]');
    output.write('stdout', b('1234'));
    output.end();
    expect(output.text).toBe('1234');
    expect(output.truncated).toBe(false);
  });

  it('never cuts a character in half at the cap', () => {
    const output = new CommandOutput(5, '[cut]');
    output.write('stdout', b('ab€€')); // 2 + 3 + 3 bytes: only "ab€" fits
    expect(output.text).toBe('ab€[cut]');
  });

  it('caps a large output at 1 MiB with the contracts’ marker', () => {
    const output = new CommandOutput();
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let i = 0; i < 40; i += 1) output.write('stdout', chunk);
    output.end();
    expect(output.text).toBe('a'.repeat(COMMAND_OUTPUT_CAP_BYTES) + COMMAND_OUTPUT_TRUNCATED_MARKER);
    const live = output.takeEvents();
    expect(live.map((e) => e.data).join('')).toBe(output.text);
  });

  it('counts changes so unchanged output need not be saved again', () => {
    const output = new CommandOutput();
    const before = output.version;
    output.write('stdout', b('x'));
    expect(output.version).toBeGreaterThan(before);
    const after = output.version;
    output.end();
    expect(output.version).toBe(after);
  });
});

describe(cutToBytes.name, () => {
  it('returns text that fits as it is, and cuts before a multi-byte character that does not', () => {
    expect(cutToBytes('abc', 3)).toBe('abc');
    expect(cutToBytes('a€', 3)).toBe('a');
    expect(cutToBytes('a€', 4)).toBe('a€');
    expect(cutToBytes('€', 0)).toBe('');
  });
});

describe(PeriodicFlusher.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('flushes every interval and once more on stop', async () => {
    const flush = jest.fn(async () => undefined);
    const flusher = new PeriodicFlusher(flush, 100);
    flusher.start();
    await jest.advanceTimersByTimeAsync(99);
    expect(flush).toHaveBeenCalledTimes(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(flush).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(200);
    expect(flush).toHaveBeenCalledTimes(3);
    await flusher.stop();
    expect(flush).toHaveBeenCalledTimes(4);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(flush).toHaveBeenCalledTimes(4);
  });

  it('skips ticks while a slow flush runs, and waits for it before the last one', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    let calls = 0;
    const flush = jest.fn(async () => {
      calls += 1;
      const n = calls;
      order.push(`start ${n}`);
      if (n === 1) await new Promise<void>((resolve) => (release = resolve));
      order.push(`end ${n}`);
    });
    const flusher = new PeriodicFlusher(flush, 100);
    flusher.start();
    await jest.advanceTimersByTimeAsync(500);
    expect(flush).toHaveBeenCalledTimes(1);
    const stopped = flusher.stop();
    release();
    await stopped;
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });
});
