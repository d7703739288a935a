import type { Duplex, Readable, Writable } from 'node:stream';

/** Running commands on a managed server; implemented over SSH, faked in unit tests. */
export interface ExecOptions {
  /** Passed to the program through `env`, each value quoted: for values that must not be parsed. */
  env?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  signal?: AbortSignal;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Bytes of stdout and stderr each kept in the result (streaming callbacks still see everything). */
  maxBufferBytes?: number;
}

export interface ExecResult {
  exitCode: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  truncated: boolean;
}

/** Opens byte streams to Unix sockets on a server (the Docker Engine API socket). */
export interface UnixStreamOpener {
  openUnixStream(socketPath: string): Promise<Duplex>;
}

export interface RemoteShell {
  /** Runs `argv` (never a shell string): every element reaches the program as one argument. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

/** A program started with `spawn`: its stdin and stdout as streams, with backpressure. */
export interface RemoteProcess {
  stdin: Writable;
  stdout: Readable;
  /** Once the program exited and the channel closed; `stderr` is its first 64 KiB. */
  exit: Promise<{ exitCode: number | null; signal?: string; stderr: string }>;
  /** Closes the channel: the program sees its stdin end and its stdout gone (EOF, SIGPIPE). */
  close(): void;
}

/** A RemoteShell that can also stream a program's input and output (a backup file written or read on a server). */
export interface StreamingShell extends RemoteShell {
  /** Starts `argv` (never a shell string); the caller must read stdout and await `exit`. */
  spawn(argv: readonly string[]): Promise<RemoteProcess>;
}
