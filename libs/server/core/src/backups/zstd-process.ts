import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { Readable, Writable } from 'node:stream';
import { ReasonError } from '../errors/reason-error';

const STDERR_TAIL_BYTES = 2_000;

/** zstd ran and refused its input (or was killed): for a decompressor, damaged data. */
export class ZstdExitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZstdExitError';
  }
}

/**
 * Debian's `zstd` binary as a Duplex (bytes in on stdin, out on stdout). Node 20 has no zstd in
 * zlib, and the native npm bindings either have no streaming API or must be compiled at install
 * (their prebuilt binaries come from GitHub, unreachable here; the docker image installs with
 * --ignore-scripts). A child process also compresses on the other core while this one encrypts and
 * uploads, and it is the same binary the `pg_dump | zstd` baseline uses.
 *
 * The readable side ends only once zstd exited 0: a non-zero exit (corrupt input, a killed process)
 * destroys the stream with an error carrying zstd's stderr, so a short output is never taken as whole.
 * Destroying the stream kills the process.
 */
export class ZstdProcess extends Duplex {
  /** The program run; a spec points it at one that does not exist (Jest's process.env is not the one spawn reads). */
  static command = 'zstd';
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private stderr = '';

  constructor(args: readonly string[]) {
    super();
    this.child = spawn(ZstdProcess.command, ['-q', '-c', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      this.destroy(
        error.code === 'ENOENT'
          ? new ReasonError(
              'backup.internal',
              'The zstd command is not installed on the worker: install it (apt-get install zstd) and run the backup again.',
            )
          : error,
      );
    });
    this.child.stdout.on('data', (data: Buffer) => {
      if (!this.push(data)) this.child.stdout.pause();
    });
    this.child.stderr.setEncoding('utf8').on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-STDERR_TAIL_BYTES);
    });
    // EPIPE when zstd exits early: the exit status below says why, with zstd's own words.
    this.child.stdin.on('error', () => undefined);
    // 'close' comes after stdout's last byte was delivered.
    this.child.on('close', (code, signal) => {
      if (this.destroyed) return;
      if (code === 0) this.push(null);
      else this.destroy(new ZstdExitError(`zstd exited with ${code ?? signal}${this.stderr ? `: ${this.stderr.trim()}` : ''}`));
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.child.stdin.write(chunk)) callback();
    else this.child.stdin.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Not end(callback): an EPIPE there would hide the exit status that says why zstd stopped.
    this.child.stdin.end();
    callback();
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    callback(error);
  }

  /** The process id, for tests that check a destroyed stream leaves no process behind. */
  get pid(): number | undefined {
    return this.child.pid;
  }
}
