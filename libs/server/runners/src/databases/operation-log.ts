import { DATABASE_OPERATION_LOG_CAP_BYTES, DATABASE_OPERATION_LOG_TRUNCATED_MARKER } from '@zpanel/contracts';
import { cutToBytes } from '../command-runs/command-output';
import { Redactor } from '../deployment/deployment-log';

/**
 * A database operation's log: lines written by the operation (its own words, Docker's, the engine's),
 * every known password redacted before a line is kept anywhere, stored capped at
 * DATABASE_OPERATION_LOG_CAP_BYTES then the marker, and queued for the live topic in the same form so a
 * replay of the topic shows what is stored. Secrets can be added while it runs (a new password).
 */
export class OperationLog {
  private readonly lines: string[] = [];
  private pending: string[] = [];
  private bytes = 0;
  private cut = false;
  private changes = 0;
  private secrets: string[];
  private redactor: Redactor;

  constructor(
    secrets: Iterable<string> = [],
    private readonly capBytes: number = DATABASE_OPERATION_LOG_CAP_BYTES,
  ) {
    this.secrets = [...secrets];
    this.redactor = new Redactor(this.secrets);
  }

  /** Redacts `secret` from every later line. */
  addSecret(secret: string): void {
    this.secrets.push(secret);
    this.redactor = new Redactor(this.secrets);
  }

  /** The text with every known secret replaced, for a reason or a worker log line. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** Grows with every change of the stored text: lets a caller skip saving what it saved already. */
  get version(): number {
    return this.changes;
  }

  get text(): string {
    return this.lines.join('\n');
  }

  /** One or more lines (split at line ends; NUL, which Postgres text refuses, becomes U+FFFD). */
  write(text: string): void {
    for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
      if (this.cut) return;
      const line = this.redactor.redact(raw.replace(/\0/g, '\uFFFD'));
      const size = Buffer.byteLength(line, 'utf8') + 1;
      if (this.bytes + size <= this.capBytes) {
        this.keep(line);
        this.bytes += size;
        continue;
      }
      const head = cutToBytes(line, Math.max(0, this.capBytes - this.bytes - 1));
      if (head !== '') this.keep(head);
      this.keep(DATABASE_OPERATION_LOG_TRUNCATED_MARKER);
      this.cut = true;
    }
  }

  /** Lines since the last call, for one live event. */
  takeLines(): string[] {
    const lines = this.pending;
    this.pending = [];
    return lines;
  }

  private keep(line: string): void {
    this.lines.push(line);
    this.pending.push(line);
    this.changes += 1;
  }
}
