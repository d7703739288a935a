import { StringDecoder } from 'node:string_decoder';

export type LogStreamName = 'stdout' | 'stderr';

/** Receives one complete line of a container's log. */
export type LogLineHandler = (stream: LogStreamName, line: string) => void;

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

/** How a line longer than the limit ends: what was kept, then how much was left out. */
function markCut(kept: string, leftOut: number): string {
  // Never end inside a surrogate pair: its high half goes with the part left out.
  const last = kept.charCodeAt(kept.length - 1);
  const split = last >= 0xd800 && last <= 0xdbff;
  return `${split ? kept.slice(0, -1) : kept} … [line cut: ${leftOut + (split ? 1 : 0)} more characters]`;
}

/** Cuts a whole line to `max` characters, saying how much was left out. */
export function capLine(line: string, max: number): string {
  return line.length <= max ? line : markCut(line.slice(0, max), line.length - max);
}

/**
 * Turns payload bytes into whole lines per stream: a line split across frames or chunks is
 * emitted once, complete; multi-byte UTF-8 characters split across chunks stay intact. A line
 * longer than `maxLineChars` is cut while it streams (memory stays bounded however long a line a
 * container writes without a newline) and ends with a marker saying how much was left out.
 */
export class LogLineSplitter {
  private readonly partial: Record<LogStreamName, string> = { stdout: '', stderr: '' };
  /** Characters of the current line left out so far. */
  private readonly leftOut: Record<LogStreamName, number> = { stdout: 0, stderr: 0 };
  private readonly decoders: Record<LogStreamName, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(
    private readonly onLine: LogLineHandler,
    private readonly maxLineChars = Number.POSITIVE_INFINITY,
  ) {}

  push(stream: LogStreamName, payload: Buffer): void {
    const text = this.decoders[stream].write(payload);
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      this.append(stream, end === -1 ? text.slice(start) : text.slice(start, end));
      if (end === -1) return;
      this.emit(stream);
      start = end + 1;
    }
  }

  /** Emits what is left of an unterminated last line on each stream. */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      this.append(stream, this.decoders[stream].end());
      if (this.partial[stream].length > 0 || this.leftOut[stream] > 0) this.emit(stream, false);
    }
  }

  private append(stream: LogStreamName, piece: string): void {
    const room = Math.max(0, this.maxLineChars - this.partial[stream].length);
    if (piece.length <= room) {
      this.partial[stream] += piece;
    } else {
      this.partial[stream] += piece.slice(0, room);
      this.leftOut[stream] += piece.length - room;
    }
  }

  private emit(stream: LogStreamName, terminated = true): void {
    const line = this.partial[stream];
    const leftOut = this.leftOut[stream];
    this.partial[stream] = '';
    this.leftOut[stream] = 0;
    if (leftOut > 0) this.onLine(stream, markCut(line, leftOut));
    else this.onLine(stream, terminated && line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

/** Splits a whole (finished) multiplexed log read into stdout and stderr text. */
export function demuxLogBuffer(buffer: Buffer): { stdout: string; stderr: string } {
  const parts: Record<LogStreamName, Buffer[]> = { stdout: [], stderr: [] };
  new LogFrameDemuxer((stream, payload) => parts[stream].push(Buffer.from(payload))).push(buffer);
  return { stdout: Buffer.concat(parts.stdout).toString('utf8'), stderr: Buffer.concat(parts.stderr).toString('utf8') };
}
