import type { ReasonCode } from '@zpanel/contracts';
import { type DatabaseContainerSpec, type EngineCommand, ReasonError } from '@zpanel/core';

/** What a database's container is made from: the row's image, limits and public port, the engine's first-start spec. */
export interface DatabaseContainerConfig {
  databaseId: string;
  teamId: string;
  image: string;
  /** From `databaseContainer` (env, command, data directory, internal port). */
  spec: DatabaseContainerSpec;
  /** Published on the server's interfaces; null: on the Zpanel network only. */
  publicPort: number | null;
  memoryLimitMb: number | null;
  cpuLimit: number | null;
}

/** A command's end inside the container: its exit code and its output (capped). */
export interface DatabaseExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** The database's container as Docker has it; null: there is none. */
export interface DatabaseContainerState {
  running: boolean;
  /** Set once it stopped. */
  exitCode: number | null;
  /** The image reference it was created from. */
  image: string;
}

/** A database container as the periodic server check sees it (`DatabaseOps.containerStates`). */
export interface DatabaseContainerHealth {
  /** Docker's state: `running`, `restarting`, `exited`, `dead`, `created`, `paused`, `removing`. */
  state: string;
  /** Set once it stopped (`exited`, `dead`). */
  exitCode: number | null;
  /** The kernel killed it for memory (its limit, or the server's). */
  oomKilled: boolean;
}

/**
 * A database's container and data volume on one server's Docker Engine (reached over the pooled SSH
 * connection): `DockerDatabaseOps` is the real one, `FakeDatabaseOps` (`@zpanel/remote/testing`) the
 * unit tests'. Names come from the id (`zpanelDockerNames().databaseAlias/databaseVolume`), so nothing
 * but that database's own container and volume is ever touched.
 */
export interface DatabaseOps {
  /** The instance's bridge network, created unless present. */
  ensureNetwork(): Promise<void>;
  imageExists(image: string): Promise<boolean>;
  /** Pulls the image, handing over progress lines; Docker's refusal (no such image, no access) is the rejection. */
  pullImage(image: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void>;
  volumeExists(databaseId: string): Promise<boolean>;
  /** The data volume, labelled with the database and its team; `kept` when it exists (a create after a failed one, data kept after a delete). */
  ensureVolume(databaseId: string, teamId: string): Promise<'created' | 'kept'>;
  /** True when a volume was removed. */
  removeVolume(databaseId: string): Promise<boolean>;
  /**
   * Creates and starts the container on the volume. A public port in use on the server is a
   * `DatabasePortTakenError`, and the container that could not start is removed again.
   */
  createContainer(config: DatabaseContainerConfig): Promise<void>;
  /**
   * Replaces the container with one made from `config` on the same volume: the old one is stopped and
   * set aside, and started again unchanged when the new one cannot start (a port taken, an image refused).
   */
  recreateContainer(config: DatabaseContainerConfig, stopGraceSeconds: number): Promise<void>;
  containerState(databaseId: string): Promise<DatabaseContainerState | null>;
  /**
   * Every database container of this instance on the server, by database id, from one listing (a
   * stopped one is inspected for its exit code and whether it was killed for memory); a database
   * without an entry has no container. `signal` aborts the Docker calls.
   */
  containerStates(signal?: AbortSignal): Promise<Map<string, DatabaseContainerHealth>>;
  /** No-op when it runs. */
  startContainer(databaseId: string): Promise<void>;
  /** No-op when it is stopped; SIGTERM, then SIGKILL after the grace period (the engines shut down cleanly on SIGTERM). */
  stopContainer(databaseId: string, graceSeconds: number): Promise<void>;
  restartContainer(databaseId: string, graceSeconds: number): Promise<void>;
  /** No-op when there is none. */
  removeContainer(databaseId: string): Promise<void>;
  /**
   * Runs the command inside the container (argv, no shell), its environment passed through the Docker
   * API (never an argv on the server) and `stdin` written then closed.
   */
  exec(databaseId: string, command: EngineCommand, options: { timeoutMs: number; signal?: AbortSignal }): Promise<DatabaseExecResult>;
  /** The last lines of the container's log, for a reason when the engine would not start. */
  logTail(databaseId: string, lines: number): Promise<string[]>;
}

/** The public port is in use on the server (by anything: another container, the proxy, sshd). */
export class DatabasePortTakenError extends ReasonError {
  constructor(
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super('database.port_taken' satisfies ReasonCode, `Port ${port} is already in use on the server; choose another public port.`, options);
    this.name = 'DatabasePortTakenError';
  }
}

/** How long and how often readiness is probed. */
export interface ReadinessTimings {
  timeoutMs: number;
  intervalMs: number;
  /**
   * A shorter interval for the first `quickForMs`: most engines are ready within seconds, and a probe
   * a second would add half a second on average to every create and restart; the slow starts (a
   * MySQL first initialisation) then fall back to `intervalMs`, so they do not run an exec every
   * fraction of a second for minutes.
   */
  quick?: { intervalMs: number; forMs: number };
  /** Each probe's own limit. */
  probeTimeoutMs: number;
}

export type Readiness =
  | { ready: true; afterMs: number }
  /** `timeout`: never answered within timeoutMs; `exited`: the container stopped (a bad setting, a full disk); `missing`: it is gone. */
  | { ready: false; why: 'timeout' | 'exited' | 'missing'; exitCode: number | null; lastOutput: string };

/** Whether a probe's result means ready: exit 0, and the expected answer where the engine's client exits 0 on an error reply. */
export function probeSucceeded(command: EngineCommand, result: DatabaseExecResult): boolean {
  return result.exitCode === 0 && (command.expectStdout === undefined || result.stdout.trim() === command.expectStdout);
}

/**
 * Probes the engine (the builders' engine-native readiness command, inside its container) until it
 * answers, the container stops, the time is up, or `signal` aborts (rejects with the signal's reason).
 */
export async function waitUntilReady(
  ops: Pick<DatabaseOps, 'exec' | 'containerState'>,
  databaseId: string,
  probe: EngineCommand,
  timings: ReadinessTimings,
  signal?: AbortSignal,
): Promise<Readiness> {
  const started = Date.now();
  let lastOutput = '';
  for (;;) {
    signal?.throwIfAborted();
    const state = await ops.containerState(databaseId);
    if (!state) return { ready: false, why: 'missing', exitCode: null, lastOutput };
    if (!state.running) return { ready: false, why: 'exited', exitCode: state.exitCode, lastOutput };
    try {
      const result = await ops.exec(databaseId, probe, { timeoutMs: timings.probeTimeoutMs, signal });
      if (probeSucceeded(probe, result)) return { ready: true, afterMs: Date.now() - started };
      lastOutput = `${result.stdout}${result.stderr}`.trim().slice(-500);
    } catch (error) {
      signal?.throwIfAborted();
      // A container restarting between the state check and the exec: the next round sees which.
      lastOutput = error instanceof Error ? error.message.slice(0, 500) : String(error);
    }
    const elapsed = Date.now() - started;
    const interval = timings.quick && elapsed < timings.quick.forMs ? timings.quick.intervalMs : timings.intervalMs;
    if (elapsed + interval > timings.timeoutMs) return { ready: false, why: 'timeout', exitCode: null, lastOutput };
    await sleep(interval, signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error(String(signal?.reason)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
