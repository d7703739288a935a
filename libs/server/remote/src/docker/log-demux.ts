import { StringDecoder } from 'node:string_decoder';

export type LogStreamName = 'stdout' | 'stderr';

/** Docker's multiplexed stream: 8-byte header (stream type, 3 zero bytes, big-endian size), then the payload. */
const HEADER_BYTES = 8;
const STREAM_BY_TYPE: Record<number, LogStreamName> = { 0: 'stdout', 1: 'stdout', 2: 'stderr' };

/**
 * Splits a non-TTY container's log stream into stdout and stderr payloads. Frames and their headers
 * may arrive split across any number of chunks; `push` keeps the remainder for the next one.
 */
export class LogFrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onPayload: (stream: LogStreamName, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buffer = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buffer.length >= HEADER_BYTES) {
      const size = buffer.readUInt32BE(4);
      if (buffer.length < HEADER_BYTES + size) break;
      const stream = STREAM_BY_TYPE[buffer[0]] ?? 'stdout';
      if (size > 0) this.onPayload(stream, buffer.subarray(HEADER_BYTES, HEADER_BYTES + size));
      buffer = buffer.subarray(HEADER_BYTES + size);
    }
    this.pending = Buffer.from(buffer);
  }

  /** Bytes of an incomplete frame left when the stream ended. */
  get leftoverBytes(): number {
    return this.pending.length;
  }
}

/**
 * Turns payload bytes into whole lines per stream: a line split across frames or chunks is
 * emitted once, complete; multi-byte UTF-8 characters split across chunks stay intact.
 */
export class LogLineSplitter {
  private readonly partial: Record<LogStreamName, string> = { stdout: '', stderr: '' };
  private readonly decoders: Record<LogStreamName, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(private readonly onLine: (stream: LogStreamName, line: string) => void) {}

  push(stream: LogStreamName, payload: Buffer): void {
    const text = this.partial[stream] + this.decoders[stream].write(payload);
    const lines = text.split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.onLine(stream, line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  /** Emits what is left of an unterminated last line on each stream. */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].end();
      this.partial[stream] = '';
      if (rest.length > 0) this.onLine(stream, rest);
    }
  }
}

/** Splits a whole (finished) multiplexed log read into stdout and stderr text. */
export function demuxLogBuffer(buffer: Buffer): { stdout: string; stderr: string } {
  const parts: Record<LogStreamName, Buffer[]> = { stdout: [], stderr: [] };
  new LogFrameDemuxer((stream, payload) => parts[stream].push(Buffer.from(payload))).push(buffer);
  return { stdout: Buffer.concat(parts.stdout).toString('utf8'), stderr: Buffer.concat(parts.stderr).toString('utf8') };
}
