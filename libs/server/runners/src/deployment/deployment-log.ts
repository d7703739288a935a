import { DEPLOYMENT_LOG_LINE_MAX_CHARS, type DeploymentLogLine, type DeploymentLogStream } from '@zpanel/contracts';

export const REDACTED = '********';
/** Values this short are too likely to occur by chance ("1", "yes") to be hidden everywhere. */
const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every secret value in a line by REDACTED. A multi-line value is also looked for line by
 * line, since logs are stored and shown per line. Longest first, so a value containing another is
 * hidden whole.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(values: Iterable<string>) {
    const set = new Set<string>();
    for (const value of values) {
      for (const candidate of [value, ...value.split(/\r?\n/)]) if (candidate.length >= MIN_SECRET_LENGTH) set.add(candidate);
    }
    this.secrets = [...set].sort((a, b) => b.length - a.length);
  }

  redact(line: string): string {
    let out = line;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }
}

/** Where batches go: stored first, then published, so a reader that replays storage then follows live misses nothing. */
export interface DeploymentLogSink {
  store(lines: DeploymentLogLine[]): Promise<void>;
  publish(lines: DeploymentLogLine[]): Promise<void>;
}

export interface DeploymentLogOptions {
  batchMs?: number;
  /** Lines are written once this many are waiting, even before `batchMs`. */
  maxBatchLines?: number;
  maxLineChars?: number;
  /** Where to report a batch that could not be stored (the deployment goes on). */
  onError?: (error: unknown) => void;
}

const CUT_MARKER = ' [line cut]';

/**
 * The deployment's log as the worker writes it: chunks are split into lines per stream (a partial
 * line waits for its end), secrets redacted, over-long lines cut, numbered by `seq`, and written in
 * batches about every 100 ms, one batch at a time, so `seq` order is storage order is live order.
 */
export class DeploymentLog {
  private seq = 0;
  private readonly pending: DeploymentLogLine[] = [];
  private readonly partial = new Map<DeploymentLogStream, string>();
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private readonly batchMs: number;
  private readonly maxBatchLines: number;
  private readonly maxLineChars: number;

  constructor(
    private readonly sink: DeploymentLogSink,
    private readonly redactor: Redactor,
    private readonly options: DeploymentLogOptions = {},
    /** Resuming a log that already has lines (never the case for a fresh deployment). */
    startSeq = 0,
  ) {
    this.seq = startSeq;
    this.batchMs = options.batchMs ?? 100;
    this.maxBatchLines = options.maxBatchLines ?? 2_000;
    this.maxLineChars = options.maxLineChars ?? DEPLOYMENT_LOG_LINE_MAX_CHARS;
  }

  /** Lines numbered so far. */
  get lastSeq(): number {
    return this.seq;
  }

  /** A line Zpanel writes about what it does. */
  system(line: string): void {
    for (const part of line.split('\n')) this.push('system', part);
  }

  /** Output of git or Docker; may end mid-line. */
  write(stream: DeploymentLogStream, chunk: string): void {
    const text = (this.partial.get(stream) ?? '') + chunk;
    const lines = text.split('\n');
    let rest = lines.pop() ?? '';
    for (const line of lines) this.push(stream, line.endsWith('\r') ? line.slice(0, -1) : line);
    // A stream that never ends its line must not grow without bound: cut it like a long line.
    if (rest.length > this.maxLineChars * 2) {
      this.push(stream, rest);
      rest = '';
    }
    if (rest === '') this.partial.delete(stream);
    else this.partial.set(stream, rest);
  }

  /** Writes what is waiting now (partial lines included) and resolves when it is stored and published. */
  async flush(): Promise<void> {
    for (const [stream, rest] of this.partial) if (rest !== '') this.push(stream, rest);
    this.partial.clear();
    this.schedule(true);
    await this.writing;
  }

  private push(stream: DeploymentLogStream, raw: string): void {
    // Postgres text cannot hold NUL; terminals' carriage-return redraws keep their last state.
    let line = this.redactor.redact(raw.replace(/\0/g, '\uFFFD'));
    const cr = line.lastIndexOf('\r');
    if (cr >= 0) line = line.slice(cr + 1);
    if (line.length > this.maxLineChars) line = line.slice(0, this.maxLineChars) + CUT_MARKER;
    this.seq += 1;
    this.pending.push({ seq: this.seq, ts: new Date().toISOString(), stream, line });
    this.schedule(this.pending.length >= this.maxBatchLines);
  }

  private schedule(now: boolean): void {
    if (now) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.drain();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, this.batchMs);
    }
  }

  private drain(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.pending.length);
    this.writing = this.writing.then(async () => {
      try {
        await this.sink.store(batch);
      } catch (error) {
        this.options.onError?.(error);
        return;
      }
      try {
        await this.sink.publish(batch);
      } catch (error) {
        // Live viewers fill the gap from storage; nothing more to do here.
        this.options.onError?.(error);
      }
    });
  }
}
