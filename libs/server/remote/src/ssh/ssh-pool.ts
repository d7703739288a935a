import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { ExecOptions, ExecResult, RemoteProcess, StreamingShell, UnixStreamOpener } from './remote-shell';
import { SshConnection, type SshTarget } from './ssh-connection';

export interface PooledTarget extends SshTarget {
  /** Stable id of the server (the pool keeps one connection per id). */
  id: string;
}

export interface SshPoolOptions {
  /** Concurrent exec channels per server; OpenSSH's MaxSessions defaults to 10. */
  maxChannels?: number;
  /** Close a connection nobody used for this long. */
  idleMs?: number;
  keepaliveIntervalMs?: number;
  readyTimeoutMs?: number;
  /** First retry delay after a failed connect; doubles per failure up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * The checked address to connect to for a host (the instance's address policy); the pool then
   * connects to that address, never to the name again, so a name cannot resolve elsewhere between
   * the check and the connection. Unset: the host as given.
   */
  resolveAddress?: (host: string) => Promise<string>;
}

/** A server that failed to connect recently; callers get this at once instead of another attempt. */
export class ServerUnreachableError extends Error {
  constructor(
    readonly serverId: string,
    readonly retryInMs: number,
    override readonly cause: unknown,
  ) {
    super(
      `server ${serverId} is unreachable (${cause instanceof Error ? cause.message : String(cause)}); next attempt in ${Math.ceil(retryInMs / 1000)} s`,
    );
    this.name = 'ServerUnreachableError';
  }
}

/** `release` on the first call only: a caller that releases twice must not count twice. */
function releaseOnce(release: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    return releaseOnce(() => {
      this.active -= 1;
      this.waiting.shift()?.();
    });
  }
}

function signature(target: PooledTarget): string {
  return JSON.stringify([
    target.host,
    target.port,
    target.username,
    createHash('sha256').update(target.privateKey).digest('hex'),
    target.hostKeyFingerprint ?? null,
  ]);
}

interface Entry {
  target: PooledTarget;
  connecting?: Promise<SshConnection>;
  connection?: SshConnection;
  channels: Semaphore;
  /** Long-lived users (a log follow) that keep the connection from being closed as idle. */
  holds: number;
  lastUsed: number;
  failures: number;
  nextAttemptAt: number;
  lastError?: unknown;
}

export interface SshPoolStats {
  connects: number;
  open: number;
  /** Unix socket streams (Docker API channels) open now, over all connections. */
  streams: number;
}

/**
 * One persistent SSH connection per server, shared by every caller: commands wait for a free
 * channel instead of opening more connections (which trips sshd's MaxStartups), a dropped
 * connection is re-established on next use, a server that keeps failing is retried with
 * exponential backoff, and idle connections are closed.
 */
export class SshPool {
  private readonly entries = new Map<string, Entry>();
  private readonly options: Required<SshPoolOptions>;
  private readonly sweeper: NodeJS.Timeout;
  private connects = 0;
  private openStreams = 0;
  private closed = false;

  constructor(options: SshPoolOptions = {}) {
    this.options = {
      maxChannels: options.maxChannels ?? 8,
      idleMs: options.idleMs ?? 5 * 60_000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
      readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
      backoffMs: options.backoffMs ?? 1_000,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
      resolveAddress: options.resolveAddress ?? (async (host) => host),
    };
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(50, Math.min(this.options.idleMs / 2, 30_000)));
    this.sweeper.unref();
  }

  stats(): SshPoolStats {
    return {
      connects: this.connects,
      open: [...this.entries.values()].filter((e) => e.connection && !e.connection.isClosed).length,
      streams: this.openStreams,
    };
  }

  /** The live connection to a server, connecting (once, however many callers ask) when needed. */
  async connection(target: PooledTarget): Promise<SshConnection> {
    // A closed pool stays closed: a run's clean-up after the worker closed it must not open a
    // connection that nothing closes again (it would keep a stopping worker's process alive).
    if (this.closed) throw new Error('the SSH pool is closed');
    const entry = this.entry(target);
    entry.lastUsed = Date.now();
    if (entry.connection && !entry.connection.isClosed) return entry.connection;
    if (entry.connecting) return entry.connecting;
    const wait = entry.nextAttemptAt - Date.now();
    if (wait > 0) throw new ServerUnreachableError(target.id, wait, entry.lastError);

    entry.connecting = this.options
      .resolveAddress(target.host)
      .then((address) =>
        SshConnection.connect(target, {
          address,
          readyTimeoutMs: this.options.readyTimeoutMs,
          keepaliveIntervalMs: this.options.keepaliveIntervalMs,
        }),
      )
      .then((connection) => {
        if (this.closed) {
          connection.close();
          throw new Error('the SSH pool is closed');
        }
        this.connects += 1;
        entry.connection = connection;
        entry.failures = 0;
        entry.nextAttemptAt = 0;
        connection.onClose(() => {
          if (entry.connection === connection) entry.connection = undefined;
        });
        return connection;
      })
      .catch((error: unknown) => {
        entry.failures += 1;
        entry.lastError = error;
        entry.nextAttemptAt = Date.now() + Math.min(this.options.backoffMs * 2 ** (entry.failures - 1), this.options.maxBackoffMs);
        throw error;
      })
      .finally(() => {
        entry.connecting = undefined;
      });
    return entry.connecting;
  }

  /** What the Docker client needs: streams to the server's Docker socket over the pooled connection. */
  streams(target: PooledTarget): UnixStreamOpener {
    return { openUnixStream: (socketPath) => this.openUnixStream(target, socketPath) };
  }

  /** A RemoteShell for one server whose commands share the pooled connection and its channel cap. */
  shell(target: PooledTarget): StreamingShell {
    return { exec: (argv, options) => this.exec(target, argv, options), spawn: (argv) => this.spawn(target, argv) };
  }

  /** A streamed program on the server; it holds one of the server's channels until it exits. */
  async spawn(target: PooledTarget, argv: readonly string[]): Promise<RemoteProcess> {
    const entry = this.entry(target);
    const release = await entry.channels.acquire();
    try {
      const connection = await this.connection(target);
      const process = await connection.spawn(argv);
      void process.exit.finally(() => {
        entry.lastUsed = Date.now();
        release();
      });
      return process;
    } catch (error) {
      release();
      throw error;
    }
  }

  async exec(target: PooledTarget, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    const entry = this.entry(target);
    const release = await entry.channels.acquire();
    try {
      const connection = await this.connection(target);
      return await connection.exec(argv, options);
    } finally {
      entry.lastUsed = Date.now();
      release();
    }
  }

  /** A stream to a Unix socket on the server (the Docker API), over the pooled connection. */
  async openUnixStream(target: PooledTarget, socketPath: string): Promise<Duplex> {
    const connection = await this.connection(target);
    this.entry(target).lastUsed = Date.now();
    const stream = await connection.openUnixStream(socketPath);
    this.openStreams += 1;
    stream.once('close', () => {
      this.openStreams -= 1;
    });
    return stream;
  }

  /** A TCP connection from the server to `host:port` (a container's address on a Docker network), over the pooled connection. */
  async openTcpStream(target: PooledTarget, host: string, port: number): Promise<Duplex> {
    const connection = await this.connection(target);
    this.entry(target).lastUsed = Date.now();
    const stream = await connection.openTcpStream(host, port);
    this.openStreams += 1;
    stream.once('close', () => {
      this.openStreams -= 1;
    });
    return stream;
  }

  /**
   * Keeps a server's connection from being closed as idle until the returned function is called:
   * for a stream that stays open without new calls (following a container's log). Streams alone do
   * not count as use, since an HTTP keep-alive client leaves idle ones open.
   */
  hold(target: PooledTarget): () => void {
    const entry = this.entry(target);
    entry.holds += 1;
    return releaseOnce(() => {
      entry.holds -= 1;
      entry.lastUsed = Date.now();
    });
  }

  /** Drops a server's connection (its settings changed, or it was deleted). */
  forget(serverId: string): void {
    this.entries.get(serverId)?.connection?.close();
    this.entries.delete(serverId);
  }

  /** Closes every connection; the pool opens none after (a call rejects). */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const entry of this.entries.values()) entry.connection?.close();
    this.entries.clear();
  }

  private entry(target: PooledTarget): Entry {
    let entry = this.entries.get(target.id);
    // The server's settings changed (host, port, user, key or pinned host key): the old connection
    // goes to another place or as another user, so it must not be reused.
    if (entry && signature(entry.target) !== signature(target)) {
      entry.connection?.close();
      this.entries.delete(target.id);
      entry = undefined;
    }
    if (!entry) {
      entry = { target, channels: new Semaphore(this.options.maxChannels), holds: 0, lastUsed: Date.now(), failures: 0, nextAttemptAt: 0 };
      this.entries.set(target.id, entry);
    }
    return entry;
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const entry of this.entries.values()) {
      if (entry.connection && entry.channels.inUse === 0 && entry.holds === 0 && now - entry.lastUsed >= this.options.idleMs) {
        entry.connection.close();
        entry.connection = undefined;
      }
    }
  }
}
