import { createHash } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { Client, type ClientChannel } from 'ssh2';
import { buildShellCommand } from '@zpanel/core';
import type { ExecOptions, ExecResult, RemoteProcess, RemoteShell, UnixStreamOpener } from './remote-shell';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  privateKey: string | Buffer;
  /** `SHA256:…` fingerprint recorded at first contact; when set, any other host key is refused. */
  hostKeyFingerprint?: string;
}

export class HostKeyMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`host key mismatch: expected ${expected}, server presented ${actual}`);
    this.name = 'HostKeyMismatchError';
  }
}

/** The SSH connection dropped while a command or stream was using it. */
export class ConnectionLostError extends Error {
  constructor(readonly host: string) {
    super(`the SSH connection to ${host} was lost`);
    this.name = 'ConnectionLostError';
  }
}

export function fingerprintOf(hostKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')}`;
}

const DEFAULT_MAX_BUFFER = 1024 * 1024;
const PID_MARKER = '__zpanel_pid:';
/** How long a stopped command may take to report its exit before we give up on it. */
const STOP_WAIT_MS = 3_000;
const SPAWN_STDERR_BYTES = 64 * 1024;

/**
 * One SSH connection to one server: commands as argv, and streams to remote Unix sockets (the
 * Docker Engine API). TCP no-delay is set on our own socket because the Docker API over this
 * link is request/response and Nagle would add latency to every call.
 */
export class SshConnection implements RemoteShell, UnixStreamOpener {
  private hostKey?: string;
  private closed = false;
  private readonly closeListeners = new Set<() => void>();

  private constructor(
    private readonly client: Client,
    readonly host: string,
  ) {
    client.once('close', () => {
      this.closed = true;
      for (const listener of [...this.closeListeners]) listener();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Fingerprint the server presented; callers record it at first contact. */
  get hostKeyFingerprint(): string {
    return this.hostKey as string;
  }

  /** `address`: the already checked IP address of `target.host` to connect to (default: the host itself). */
  static connect(
    target: SshTarget,
    options: { address?: string; readyTimeoutMs?: number; keepaliveIntervalMs?: number } = {},
  ): Promise<SshConnection> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      const connection = new SshConnection(client, target.host);
      let mismatch: HostKeyMismatchError | undefined;
      const sock = netConnect({ host: options.address ?? target.host, port: target.port });
      sock.setNoDelay(true);
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        client.end();
        sock.destroy();
        reject(mismatch ?? error);
      };
      sock.on('error', fail);
      // Errors after the handshake end the connection; `onClose` listeners learn of it.
      client.on('error', fail);
      client
        .once('ready', () => {
          settled = true;
          resolve(connection);
        })
        .connect({
          sock,
          username: target.username,
          privateKey: target.privateKey,
          readyTimeout: options.readyTimeoutMs ?? 10_000,
          keepaliveInterval: options.keepaliveIntervalMs ?? 15_000,
          keepaliveCountMax: 3,
          hostVerifier: (key: Buffer) => {
            const actual = fingerprintOf(key);
            connection.hostKey = actual;
            if (target.hostKeyFingerprint && target.hostKeyFingerprint !== actual) {
              mismatch = new HostKeyMismatchError(target.hostKeyFingerprint, actual);
              return false;
            }
            return true;
          },
        });
    });
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    // The remote shell reports its pid (which `exec` hands to the program, and which leads the
    // session's process group) on a first stderr line that we strip: sshd ignores channel
    // signals, so stopping a command means killing that group through a second channel.
    const command = `printf '${PID_MARKER}%s\\n' "$$" >&2; exec ${buildShellCommand(argv, options.env)}`;
    const maxBuffer = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER;
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new Error('command cancelled before it started'));
        return;
      }
      if (this.closed) {
        reject(new ConnectionLostError(this.host));
        return;
      }
      this.client.exec(command, (error, channel: ClientChannel) => {
        if (error) {
          reject(error);
          return;
        }
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let outBytes = 0;
        let errBytes = 0;
        let truncated = false;
        let timedOut = false;
        let cancelled = false;
        let pid: number | undefined;
        let pidLine: Buffer | undefined = Buffer.alloc(0);
        // Set while a stop waits for the pid line: a timeout or cancel can come before a busy
        // server has printed it, and without the pid the command would be left running.
        let onPidKnown: (() => void) | undefined;
        let settled = false;
        const keep = (chunks: Buffer[], size: number, chunk: Buffer): number => {
          const room = maxBuffer - size;
          if (room <= 0) {
            truncated = true;
            return size;
          }
          if (chunk.length > room) truncated = true;
          chunks.push(chunk.subarray(0, room));
          return size + Math.min(chunk.length, room);
        };
        const onStderr = (chunk: Buffer) => {
          options.onStderr?.(chunk);
          errBytes = keep(err, errBytes, chunk);
        };
        channel.on('data', (chunk: Buffer) => {
          options.onStdout?.(chunk);
          outBytes = keep(out, outBytes, chunk);
        });
        channel.stderr.on('data', (chunk: Buffer) => {
          if (pidLine === undefined) return onStderr(chunk);
          pidLine = Buffer.concat([pidLine, chunk]);
          const newline = pidLine.indexOf(0x0a);
          if (newline === -1 && pidLine.length < 64) return;
          const line = pidLine.subarray(0, newline === -1 ? pidLine.length : newline).toString();
          const rest = newline === -1 ? Buffer.alloc(0) : pidLine.subarray(newline + 1);
          pidLine = undefined;
          const match = new RegExp(`^${PID_MARKER}(\\d+)$`).exec(line);
          if (match) pid = Number(match[1]);
          onPidKnown?.();
          if (rest.length > 0) onStderr(rest);
        });
        const onLost = () => {
          if (settled) return;
          settled = true;
          if (timer) clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          reject(new ConnectionLostError(this.host));
        };
        this.closeListeners.add(onLost);
        const finish = (code: number | null, signalName?: string) => {
          this.closeListeners.delete(onLost);
          if (settled) return;
          settled = true;
          if (timer) clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          resolve({
            exitCode: code,
            signal: signalName ?? undefined,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
            timedOut,
            cancelled,
            truncated,
          });
        };
        const pidOrGiveUp = (): Promise<number | undefined> =>
          pid !== undefined || pidLine === undefined
            ? Promise.resolve(pid)
            : new Promise((resolve) => {
                const giveUp = setTimeout(() => resolve(undefined), STOP_WAIT_MS);
                giveUp.unref();
                onPidKnown = () => {
                  clearTimeout(giveUp);
                  resolve(pid);
                };
              });
        const stop = () => {
          const killed = pidOrGiveUp().then((known) => (known !== undefined ? this.killProcessGroup(known) : undefined));
          // If the process still has not gone once the kill was delivered (or could not be), do not
          // wait on the remote side forever. Counted from the kill's delivery, not from the request:
          // on a busy connection the kill can take a while, and the command is not over before it.
          void killed.then(() =>
            setTimeout(() => {
              channel.close();
              finish(null, 'KILL');
            }, STOP_WAIT_MS).unref(),
          );
        };
        const timer = options.timeoutMs
          ? setTimeout(() => {
              timedOut = true;
              stop();
            }, options.timeoutMs)
          : undefined;
        const onAbort = () => {
          cancelled = true;
          stop();
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        channel.on('close', (code: number | null | undefined, signalName?: string) => {
          if (typeof code === 'number' || signalName || timedOut || cancelled) return finish(typeof code === 'number' ? code : null, signalName);
          // No exit status: either the process vanished or the connection is going down; the
          // client's own close arrives right after the channel's, so look once more.
          setTimeout(() => (this.closed ? onLost() : finish(null)), 50);
        });
      });
    });
  }

  /**
   * Starts `argv` with its stdin and stdout as the channel's two directions (backpressure both
   * ways), for streams too large for `exec`'s buffers. Stopping is closing the channel: the program
   * sees its input end and its output gone, which ends `cat`-like programs.
   */
  spawn(argv: readonly string[]): Promise<RemoteProcess> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new ConnectionLostError(this.host));
        return;
      }
      this.client.exec(buildShellCommand(argv), (error, channel: ClientChannel) => {
        if (error) {
          reject(error);
          return;
        }
        const err: Buffer[] = [];
        let errBytes = 0;
        channel.stderr.on('data', (chunk: Buffer) => {
          if (errBytes >= SPAWN_STDERR_BYTES) return;
          err.push(chunk.subarray(0, SPAWN_STDERR_BYTES - errBytes));
          errBytes += chunk.length;
        });
        let exitCode: number | null = null;
        let exitSignal: string | undefined;
        channel.on('exit', (code: number | null, signalName?: string) => {
          if (typeof code === 'number') exitCode = code;
          if (signalName) exitSignal = signalName;
        });
        const exit = new Promise<{ exitCode: number | null; signal?: string; stderr: string }>((done) => {
          const finish = () => {
            this.closeListeners.delete(finish);
            done({ exitCode, signal: exitSignal, stderr: Buffer.concat(err).toString('utf8') });
          };
          this.closeListeners.add(finish);
          channel.on('close', finish);
        });
        resolve({ stdin: channel, stdout: channel, exit, close: () => channel.close() });
      });
    });
  }

  private killProcessGroup(pid: number): Promise<void> {
    return new Promise((resolve) => {
      // The whole process group goes, so children of the command die too; the pid still goes
      // through the quoting helper like every other value that reaches a remote shell.
      const command = buildShellCommand(['sh', '-c', 'kill -KILL -"$1" 2>/dev/null || kill -KILL "$1"', 'sh', String(Math.trunc(pid))]);
      this.client.exec(command, (error, channel) => {
        if (error) return resolve();
        channel.on('close', () => resolve());
        channel.resume();
        channel.stderr.resume();
      });
    });
  }

  /** A byte stream to a Unix socket on the server (OpenSSH `direct-streamlocal`). */
  openUnixStream(socketPath: string): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.client.openssh_forwardOutStreamLocal(socketPath, (error, stream) => (error ? reject(error) : resolve(stream)));
    });
  }

  /**
   * A TCP connection opened by the server to `host:port` (`direct-tcpip`): reaches what only the
   * server can, such as a container's address on a Docker bridge network. Fails when the server
   * cannot connect (refused, unreachable).
   */
  openTcpStream(host: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (error, stream) => (error ? reject(error) : resolve(stream)));
    });
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.add(listener);
  }

  close(): void {
    this.client.end();
  }
}
