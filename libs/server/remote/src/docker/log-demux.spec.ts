import { capLine, demuxLogBuffer, LogFrameDemuxer, LogLineSplitter, type LogStreamName } from './log-demux';

function frame(type: 1 | 2, text: string | Buffer): Buffer {
  const payload = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collect(chunks: Buffer[]): Array<[LogStreamName, string]> {
  const lines: Array<[LogStreamName, string]> = [];
  const splitter = new LogLineSplitter((stream, line) => lines.push([stream, line]));
  const demuxer = new LogFrameDemuxer((stream, payload) => splitter.push(stream, payload));
  for (const chunk of chunks) demuxer.push(chunk);
  splitter.flush();
  return lines;
}

describe(LogFrameDemuxer.name, () => {
  const stream = Buffer.concat([frame(1, 'out-1\nout-2\n'), frame(2, 'err-1\n'), frame(1, 'out-3\n')]);
  const expected: Array<[LogStreamName, string]> = [
    ['stdout', 'out-1'],
    ['stdout', 'out-2'],
    ['stderr', 'err-1'],
    ['stdout', 'out-3'],
  ];

  it('separates stdout and stderr frames without header bytes in the text', () => {
    expect(collect([stream])).toEqual(expected);
  });

  it.each([1, 3, 7, 8, 9, 13])('gives the same lines when the stream arrives in %i-byte chunks (headers split too)', (size) => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
    expect(collect(chunks)).toEqual(expected);
  });

  it('joins a line split across two frames and keeps a multi-byte character split across chunks', () => {
    const euro = Buffer.from('€', 'utf8');
    const chunks = [
      frame(1, Buffer.concat([Buffer.from('pri'), euro.subarray(0, 1)])),
      frame(1, Buffer.concat([euro.subarray(1), Buffer.from('ce\r\nnext')])),
    ];
    expect(collect(chunks)).toEqual([
      ['stdout', 'pri€ce'],
      ['stdout', 'next'],
    ]);
  });

  it('keeps an incomplete trailing frame for the next chunk instead of emitting it', () => {
    const payloads: string[] = [];
    const demuxer = new LogFrameDemuxer((_s, p) => payloads.push(p.toString()));
    const whole = frame(2, 'abc');
    demuxer.push(whole.subarray(0, 9));
    expect(payloads).toEqual([]);
    expect(demuxer.leftoverBytes).toBe(9);
    demuxer.push(whole.subarray(9));
    expect(payloads).toEqual(['abc']);
    expect(demuxer.leftoverBytes).toBe(0);
  });
});

describe(demuxLogBuffer.name, () => {
  it('splits a finished read into stdout and stderr text', () => {
    expect(demuxLogBuffer(Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n'), frame(1, 'c\n')]))).toEqual({ stdout: 'a\nc\n', stderr: 'b\n' });
  });
});

describe(LogLineSplitter.name, () => {
  const split = (max: number, chunks: string[]) => {
    const lines: string[] = [];
    const splitter = new LogLineSplitter((stream, line) => lines.push(`${stream}:${line}`), max);
    for (const chunk of chunks) splitter.push('stdout', Buffer.from(chunk, 'utf8'));
    splitter.flush();
    return lines;
  };

  it('cuts a line longer than the limit as it streams, marks it, and leaves the next line whole', () => {
    expect(split(4, ['xxx', 'xxx', 'xxxx\nok\r\n'])).toEqual(['stdout:xxxx … [line cut: 6 more characters]', 'stdout:ok']);
  });

  it('keeps memory bounded for a line that never ends, and marks it when the stream ends', () => {
    const chunk = 'y'.repeat(64 * 1024);
    const lines = split(
      16,
      Array.from({ length: 64 }, () => chunk),
    );
    expect(lines).toEqual([`stdout:${'y'.repeat(16)} … [line cut: ${64 * 64 * 1024 - 16} more characters]`]);
  });

  it('never cuts inside a surrogate pair', () => {
    expect(split(3, ['ab\u{1F600}cd\n'])).toEqual(['stdout:ab … [line cut: 4 more characters]']);
    expect(capLine('ab\u{1F600}cd', 3)).toBe('ab … [line cut: 4 more characters]');
    expect(capLine('short', 10)).toBe('short');
  });
});
