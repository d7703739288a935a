import type { ContainerState } from '@zpanel/contracts';
import { parseContainerId, parseFlag, parseLogSince, parseLogTail, parseStopTimeoutSeconds } from '@zpanel/core';
import {
  ContainerNotFoundError,
  ZPANEL_MANAGED_LABEL,
  type ContainerDetails,
  type ContainerLogs,
  type ContainerOperations,
  type ContainerSummary,
  type FollowLogsOptions,
  type ListContainersOptions,
  type LogsOptions,
  type RemoveOptions,
  type StopOptions,
} from './containers';
import { type LogLineHandler, type LogStreamName, capLine } from './log-demux';

export interface FakeContainerSeed {
  id: string;
  name?: string;
  image?: string;
  state?: ContainerState;
  labels?: Record<string, string>;
  created?: Date;
  tty?: boolean;
}

interface FakeLogLine {
  stream: LogStreamName;
  line: string;
  /** Unix seconds. */
  at: number;
}

interface FakeContainer {
  details: ContainerDetails;
  log: FakeLogLine[];
}

type Follower = { containerId: string; since: number | undefined; onLine: LogLineHandler; done: () => void };

/**
 * In-memory `ContainerOperations` for unit tests: same validation and errors as the real one,
 * no I/O. Tests seed containers with `add`, write log lines with `writeLog`, and read `calls`.
 */
export class FakeContainerOperations implements ContainerOperations {
  /** Every operation in order, e.g. `stop c1`, for assertions. */
  readonly calls: string[] = [];
  private readonly containers = new Map<string, FakeContainer>();
  private readonly followers = new Set<Follower>();

  constructor(
    seeds: FakeContainerSeed[] = [],
    private readonly clock: () => Date = () => new Date(),
  ) {
    for (const seed of seeds) this.add(seed);
  }

  add(seed: FakeContainerSeed): ContainerDetails {
    const state = seed.state ?? 'running';
    const details: ContainerDetails = {
      id: seed.id,
      names: [seed.name ?? seed.id],
      image: seed.image ?? 'zpanel-test/busybox:latest',
      state,
      status: state,
      labels: { ...(seed.labels ?? {}) },
      created: seed.created ?? this.clock(),
      exitCode: state === 'exited' ? 0 : null,
      startedAt: state === 'running' ? this.clock() : null,
      finishedAt: state === 'exited' ? this.clock() : null,
      restartCount: 0,
      tty: seed.tty ?? false,
    };
    this.containers.set(seed.id, { details, log: [] });
    return { ...details };
  }

  /** Appends a line to a container's log; live `followLogs` callers receive it. */
  writeLog(id: string, stream: LogStreamName, line: string): void {
    const container = this.get(id);
    const entry = { stream, line, at: Math.floor(this.clock().getTime() / 1000) };
    container.log.push(entry);
    for (const follower of this.followers) {
      if (follower.containerId === container.details.id && (follower.since === undefined || entry.at >= follower.since))
        follower.onLine(stream, line);
    }
  }

  async list(options: ListContainersOptions = {}): Promise<ContainerSummary[]> {
    const all = parseFlag(options.all, 'all');
    const managedOnly = parseFlag(options.managedOnly, 'managedOnly');
    this.calls.push('list');
    return [...this.containers.values()]
      .map((c) => c.details)
      .filter((d) => (all || d.state === 'running') && (!managedOnly || d.labels[ZPANEL_MANAGED_LABEL] === 'true'))
      .map(({ id, names, image, state, status, labels, created }) => ({
        id,
        names: [...names],
        image,
        state,
        status,
        labels: { ...labels },
        created,
      }));
  }

  async inspect(id: string): Promise<ContainerDetails> {
    const container = this.get(parseContainerId(id));
    this.calls.push(`inspect ${id}`);
    return { ...container.details, names: [...container.details.names], labels: { ...container.details.labels } };
  }

  async start(id: string): Promise<void> {
    const container = this.get(parseContainerId(id));
    this.calls.push(`start ${id}`);
    this.setState(container, 'running');
  }

  async stop(id: string, options: StopOptions = {}): Promise<void> {
    const container = this.get(parseContainerId(id));
    parseStopTimeoutSeconds(options.timeoutSeconds, 'timeoutSeconds');
    this.calls.push(`stop ${id}`);
    this.setState(container, 'exited');
  }

  async restart(id: string, options: StopOptions = {}): Promise<void> {
    const container = this.get(parseContainerId(id));
    parseStopTimeoutSeconds(options.timeoutSeconds, 'timeoutSeconds');
    this.calls.push(`restart ${id}`);
    this.setState(container, 'exited');
    this.setState(container, 'running');
    container.details.restartCount += 1;
  }

  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    const container = this.get(parseContainerId(id));
    const force = parseFlag(options.force, 'force');
    if (container.details.state === 'running' && !force) throw new Error(`container ${id} is running: stop it first or force`);
    this.calls.push(`remove ${id}`);
    this.setState(container, 'exited');
    this.containers.delete(container.details.id);
  }

  async logs(id: string, options: LogsOptions = {}): Promise<ContainerLogs> {
    const containerId = parseContainerId(id);
    const tail = parseLogTail(options.tail);
    const since = parseLogSince(options.since);
    parseFlag(options.timestamps, 'timestamps');
    const container = this.get(containerId);
    this.calls.push(`logs ${id}`);
    const lines = container.log.filter((l) => since === undefined || l.at >= since).slice(-tail);
    const text = (stream: LogStreamName) =>
      lines
        .filter((l) => l.stream === stream)
        .map((l) => `${l.line}\n`)
        .join('');
    return { stdout: text('stdout'), stderr: text('stderr') };
  }

  async followLogs(id: string, options: FollowLogsOptions, onLine: LogLineHandler, signal: AbortSignal): Promise<void> {
    const containerId = parseContainerId(id);
    const tail = parseLogTail(options.tail);
    const since = parseLogSince(options.since);
    const container = this.get(containerId);
    this.calls.push(`followLogs ${id}`);
    if (signal.aborted) return;
    const max = options.maxLineChars ?? Number.POSITIVE_INFINITY;
    const deliver = (stream: LogStreamName, line: string) => onLine(stream, capLine(line, max));
    for (const l of container.log.filter((l) => since === undefined || l.at >= since).slice(-tail)) deliver(l.stream, l.line);
    if (container.details.state !== 'running') return;
    await new Promise<void>((resolve) => {
      const follower: Follower = {
        containerId: container.details.id,
        since,
        onLine: deliver,
        done: () => {
          this.followers.delete(follower);
          signal.removeEventListener('abort', follower.done);
          resolve();
        },
      };
      this.followers.add(follower);
      signal.addEventListener('abort', follower.done, { once: true });
    });
  }

  private get(id: string): FakeContainer {
    const container = this.containers.get(id) ?? [...this.containers.values()].find((c) => c.details.names.includes(id));
    if (!container) throw new ContainerNotFoundError(id);
    return container;
  }

  private setState(container: FakeContainer, state: ContainerState): void {
    const d = container.details;
    if (d.state === state) return;
    d.state = state;
    d.status = state;
    if (state === 'running') {
      d.startedAt = this.clock();
      d.exitCode = null;
    } else {
      d.finishedAt = this.clock();
      d.exitCode = 0;
      // A stopped container ends its followers, as Docker ends the log stream.
      for (const follower of [...this.followers]) if (follower.containerId === d.id) follower.done();
    }
  }
}
