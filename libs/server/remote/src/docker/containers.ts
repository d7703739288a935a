import type { Readable } from 'node:stream';
import { AppException } from '@zpanel/core';
import { type ContainerDto, type ContainerState, ErrorCode } from '@zpanel/contracts';
import type Docker from 'dockerode';
import { parseContainerId, parseFlag, parseLogSince, parseLogTail, parseStopTimeoutSeconds } from '@zpanel/core';
import { demuxLogBuffer, LogFrameDemuxer, LogLineSplitter, type LogLineHandler } from './log-demux';

/** The label that marks containers Zpanel created and manages on a server. */
export const ZPANEL_MANAGED_LABEL = 'zpanel.managed';

/** A container as the API shows it, its creation time still a Date. */
export interface ContainerSummary extends Omit<ContainerDto, 'createdAt'> {
  created: Date;
}

export interface ContainerDetails extends ContainerSummary {
  exitCode: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  restartCount: number;
  tty: boolean;
}

export interface ListContainersOptions {
  /** Include stopped containers (default: running only, like `docker ps`). */
  all?: boolean;
  /** Only containers labelled `zpanel.managed=true`. */
  managedOnly?: boolean;
}

export interface StopOptions {
  /** Seconds between SIGTERM and SIGKILL, 0..600 (default 10). */
  timeoutSeconds?: number | string;
}

export interface RemoveOptions {
  /** Kill a running container first. */
  force?: boolean;
}

export interface LogsOptions {
  /** Lines from the end, 1..10000 (default 200). */
  tail?: number | string;
  /** ISO 8601 date-time or unix seconds. */
  since?: number | string;
  timestamps?: boolean;
}

export type FollowLogsOptions = Omit<LogsOptions, 'timestamps'> & {
  /** Longer lines are cut as they stream and end with a marker saying how much was left out. */
  maxLineChars?: number;
};

export interface ContainerLogs {
  stdout: string;
  stderr: string;
}

/** Container operations on one server; `DockerContainers` is the real one, `FakeContainerOperations` the unit-test one. */
export interface ContainerOperations {
  list(options?: ListContainersOptions): Promise<ContainerSummary[]>;
  inspect(id: string): Promise<ContainerDetails>;
  /** Starting a running container is a no-op. */
  start(id: string): Promise<void>;
  /** Stopping a stopped container is a no-op. */
  stop(id: string, options?: StopOptions): Promise<void>;
  restart(id: string, options?: StopOptions): Promise<void>;
  remove(id: string, options?: RemoveOptions): Promise<void>;
  /** A finished read of the log, stdout and stderr apart. */
  logs(id: string, options?: LogsOptions): Promise<ContainerLogs>;
  /** Calls `onLine` for each complete line until `signal` aborts (resolves) or the container stops (resolves). */
  followLogs(id: string, options: FollowLogsOptions, onLine: LogLineHandler, signal: AbortSignal): Promise<void>;
}

export class ContainerNotFoundError extends AppException {
  constructor(readonly containerId: string) {
    super(ErrorCode.NotFound, `container ${containerId} not found`);
    this.name = 'ContainerNotFoundError';
  }
}

const STATES: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

function asState(value: string | undefined): ContainerState {
  return STATES.find((s) => s === value) ?? 'dead';
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Docker's zero time (`0001-01-01T00:00:00Z`) means "never". */
function dockerTime(value: string | undefined): Date | null {
  if (!value || value.startsWith('0001-')) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function summaryFromList(info: Docker.ContainerInfo): ContainerSummary {
  return {
    id: info.Id,
    names: (info.Names ?? []).map((n) => n.replace(/^\//, '')),
    image: info.Image,
    state: asState(info.State),
    status: info.Status,
    labels: { ...(info.Labels ?? {}) },
    created: new Date(info.Created * 1000),
  };
}

function detailsFromInspect(info: Docker.ContainerInspectInfo): ContainerDetails {
  const state = asState(info.State?.Status);
  return {
    id: info.Id,
    names: [info.Name.replace(/^\//, '')],
    image: info.Config?.Image ?? info.Image,
    state,
    status: state,
    labels: { ...(info.Config?.Labels ?? {}) },
    created: new Date(info.Created),
    exitCode: state === 'exited' || state === 'dead' ? (info.State?.ExitCode ?? null) : null,
    startedAt: dockerTime(info.State?.StartedAt),
    finishedAt: dockerTime(info.State?.FinishedAt),
    restartCount: info.RestartCount ?? 0,
    tty: info.Config?.Tty === true,
  };
}

/** Container operations through a dockerode client (for a server: `new DockerContainers(dockerOverSsh(pool.streams(target)))`). */
export class DockerContainers implements ContainerOperations {
  constructor(private readonly docker: Docker) {}

  async list(options: ListContainersOptions = {}): Promise<ContainerSummary[]> {
    const all = parseFlag(options.all, 'all');
    const managedOnly = parseFlag(options.managedOnly, 'managedOnly');
    const filters = managedOnly ? JSON.stringify({ label: [`${ZPANEL_MANAGED_LABEL}=true`] }) : undefined;
    const infos = await this.docker.listContainers({ all, ...(filters ? { filters } : {}) });
    return infos.map(summaryFromList);
  }

  async inspect(id: string): Promise<ContainerDetails> {
    const containerId = parseContainerId(id);
    return detailsFromInspect(await this.call(containerId, (c) => c.inspect()));
  }

  async start(id: string): Promise<void> {
    const containerId = parseContainerId(id);
    await this.change(containerId, (c) => c.start());
  }

  async stop(id: string, options: StopOptions = {}): Promise<void> {
    const containerId = parseContainerId(id);
    const t = parseStopTimeoutSeconds(options.timeoutSeconds, 'timeoutSeconds');
    await this.change(containerId, (c) => c.stop({ t }));
  }

  async restart(id: string, options: StopOptions = {}): Promise<void> {
    const containerId = parseContainerId(id);
    const t = parseStopTimeoutSeconds(options.timeoutSeconds, 'timeoutSeconds');
    await this.call(containerId, (c) => c.restart({ t }));
  }

  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    const containerId = parseContainerId(id);
    const force = parseFlag(options.force, 'force');
    // Any container of the server, not only Zpanel's: one run without a named volume keeps its data in an
    // anonymous one, so a remove here leaves volumes to the server's volume list (Zpanel's own app
    // containers, whose anonymous volumes are scratch, go with `v` in DockerDeploymentOps).
    await this.call(containerId, (c) => c.remove({ force, v: false }));
  }

  async logs(id: string, options: LogsOptions = {}): Promise<ContainerLogs> {
    const containerId = parseContainerId(id);
    const tail = parseLogTail(options.tail);
    const since = parseLogSince(options.since);
    const timestamps = parseFlag(options.timestamps, 'timestamps');
    const { tty } = await this.inspect(containerId);
    const raw = await this.call(containerId, (c) =>
      c.logs({ follow: false, stdout: true, stderr: true, tail, timestamps, ...(since === undefined ? {} : { since }) }),
    );
    const buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
    // A TTY container's log is one raw stream (stderr is merged into it by the terminal).
    return tty ? { stdout: buffer.toString('utf8'), stderr: '' } : demuxLogBuffer(buffer);
  }

  async followLogs(id: string, options: FollowLogsOptions, onLine: LogLineHandler, signal: AbortSignal): Promise<void> {
    const containerId = parseContainerId(id);
    const tail = parseLogTail(options.tail);
    const since = parseLogSince(options.since);
    if (signal.aborted) return;
    const { tty } = await this.inspect(containerId);
    if (signal.aborted) return;

    let stream: Readable;
    try {
      stream = (await this.call(containerId, (c) =>
        c.logs({ follow: true, stdout: true, stderr: true, tail, ...(since === undefined ? {} : { since }), abortSignal: signal }),
      )) as unknown as Readable;
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }

    const lines = new LogLineSplitter(onLine, options.maxLineChars);
    const frames = new LogFrameDemuxer((name, payload) => lines.push(name, payload));
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        stream.destroy();
        lines.flush();
        if (error && !signal.aborted) reject(error);
        else resolve();
      };
      const onAbort = () => finish();
      signal.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (tty) lines.push('stdout', chunk);
        else frames.push(chunk);
      });
      stream.on('end', () => finish());
      stream.on('close', () => finish());
      stream.on('error', (error) => finish(error));
      if (signal.aborted) finish();
    });
  }

  /** Runs one Docker call on a validated id; Docker's 404 becomes `ContainerNotFoundError`. */
  private async call<T>(containerId: string, run: (container: Docker.Container) => Promise<T>): Promise<T> {
    try {
      return await run(this.docker.getContainer(containerId));
    } catch (error) {
      if (statusCode(error) === 404) throw new ContainerNotFoundError(containerId);
      throw error;
    }
  }

  /** Like `call`, for state changes where Docker's 304 ("already started/stopped") means done. */
  private async change(containerId: string, run: (container: Docker.Container) => Promise<unknown>): Promise<void> {
    try {
      await this.call(containerId, run);
    } catch (error) {
      if (statusCode(error) !== 304) throw error;
    }
  }
}
