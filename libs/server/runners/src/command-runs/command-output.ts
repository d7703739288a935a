import { StringDecoder } from 'node:string_decoder';
import { COMMAND_OUTPUT_CAP_BYTES, COMMAND_OUTPUT_TRUNCATED_MARKER, type CommandRunLiveEvent } from '@zpanel/contracts';

export type OutputStream = 'stdout' | 'stderr';
type OutputEvent = Extract<CommandRunLiveEvent, { type: 'output' }>;

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
export function cutToBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  // A decoder holds back an incomplete trailing character instead of emitting U+FFFD for it.
  return new StringDecoder('utf8').write(bytes.subarray(0, Math.max(0, maxBytes)));
}

/**
 * A command's output as it arrives: kept once for storage (stdout and stderr interleaved) and queued
 * for the live topic, both capped at the same byte count followed by the truncation marker, so a
 * replay of the live topic shows exactly what is stored. Each stream is decoded on its own, so a
 * character split across chunks survives; NUL (which Postgres text refuses) becomes U+FFFD.
 */
export class CommandOutput {
  private readonly decoders: Record<OutputStream, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private readonly parts: string[] = [];
  private pending: OutputEvent[] = [];
  private bytes = 0;
  private cut = false;
  private changes = 0;

  constructor(
    private readonly capBytes: number = COMMAND_OUTPUT_CAP_BYTES,
    private readonly marker: string = COMMAND_OUTPUT_TRUNCATED_MARKER,
  ) {}

  get truncated(): boolean {
    return this.cut;
  }

  /** Grows with every change of the stored text: lets a caller skip saving what it saved already. */
  get version(): number {
    return this.changes;
  }

  /** What is stored: at most the cap, plus the marker when the output was cut. */
  get text(): string {
    return this.parts.join('');
  }

  write(stream: OutputStream, chunk: Buffer): void {
    if (this.cut) return;
    this.add(stream, this.decoders[stream].write(chunk));
  }

  /** The command ended: what the decoders held back (an incomplete last character) is flushed. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) this.add(stream, this.decoders[stream].end());
  }

  /** Live events since the last call, consecutive pieces of one stream merged into one event. */
  takeEvents(): OutputEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }

  private add(stream: OutputStream, raw: string): void {
    if (this.cut || raw.length === 0) return;
    const text = raw.replace(/\0/g, '\uFFFD');
    const size = Buffer.byteLength(text, 'utf8');
    if (this.bytes + size <= this.capBytes) {
      this.keep(stream, text);
      this.bytes += size;
      return;
    }
    const head = cutToBytes(text, this.capBytes - this.bytes);
    this.keep(stream, head);
    this.bytes += Buffer.byteLength(head, 'utf8');
    this.keep(stream, this.marker);
    this.cut = true;
  }

  private keep(stream: OutputStream, data: string): void {
    if (data.length === 0) return;
    this.parts.push(data);
    this.changes += 1;
    const last = this.pending[this.pending.length - 1];
    if (last && last.stream === stream) last.data += data;
    else this.pending.push({ type: 'output', stream, data });
  }
}

/**
 * Calls `flush` every `intervalMs`, one call at a time (a slow flush skips ticks instead of piling
 * up), and once more on stop, so what was written last still goes out in order.
 */
export class PeriodicFlusher {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    private readonly flush: () => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.busy) this.run();
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    this.run();
    await this.running;
  }

  private run(): void {
    this.busy = true;
    this.running = this.flush().finally(() => {
      this.busy = false;
    });
  }
}
