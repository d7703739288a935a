import type { Duplex } from 'node:stream';

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
