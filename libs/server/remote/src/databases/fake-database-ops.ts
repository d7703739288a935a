import type { EngineCommand } from '@zpanel/core';
import {
  type DatabaseContainerConfig,
  type DatabaseContainerHealth,
  type DatabaseContainerState,
  type DatabaseExecResult,
  type DatabaseOps,
  DatabasePortTakenError,
} from './database-ops';

/** A database container of the fake server. */
export interface FakeDatabaseContainer {
  config: DatabaseContainerConfig;
  running: boolean;
  exitCode: number | null;
  /** Times it was started (created and started counts once). */
  starts: number;
  /** Docker's state when not simply running or exited (`restarting`, `dead`); else derived from `running`. */
  state?: string;
  oomKilled?: boolean;
}

/**
 * `DatabaseOps` in memory for unit tests: containers and volumes by database id, ports taken on the
 * "server", images present, and what each exec answers (`onExec`; by default every command succeeds
 * with an empty output and the expected answer, so probes say ready). `fail` makes the next call of a
 * method throw. Every call is recorded in `calls` (method and database id).
 */
export class FakeDatabaseOps implements DatabaseOps {
  readonly containers = new Map<string, FakeDatabaseContainer>();
  readonly volumes = new Map<string, { teamId: string }>();
  readonly images = new Set<string>();
  /** Ports in use on the server by something else. */
  readonly takenPorts = new Set<number>();
  readonly calls: { method: keyof DatabaseOps; databaseId?: string; detail?: string }[] = [];
  readonly execs: { databaseId: string; command: EngineCommand }[] = [];
  /** Images that a pull cannot get, with Docker's words. */
  readonly unpullable = new Map<string, string>();
  onExec: (databaseId: string, command: EngineCommand) => DatabaseExecResult | Promise<DatabaseExecResult> = (_id, command) => ({
    exitCode: 0,
    stdout: command.expectStdout ?? '',
    stderr: '',
  });
  private readonly failures = new Map<keyof DatabaseOps, Error>();

  /** The next call of `method` throws `error`. */
  fail(method: keyof DatabaseOps, error: Error): void {
    this.failures.set(method, error);
  }

  private record(method: keyof DatabaseOps, databaseId?: string, detail?: string): void {
    this.calls.push({ method, databaseId, detail });
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }

  /** The ports the fake's own containers publish. */
  private publishedPorts(except?: string): Set<number> {
    const ports = new Set<number>();
    for (const [id, container] of this.containers)
      if (id !== except && container.running && container.config.publicPort !== null) ports.add(container.config.publicPort);
    return ports;
  }

  async ensureNetwork(): Promise<void> {
    this.record('ensureNetwork');
  }

  async imageExists(image: string): Promise<boolean> {
    this.record('imageExists', undefined, image);
    return this.images.has(image);
  }

  async pullImage(image: string, onLine: (line: string) => void): Promise<void> {
    this.record('pullImage', undefined, image);
    const refusal = this.unpullable.get(image);
    if (refusal !== undefined) throw new Error(refusal);
    onLine(`Pulling ${image}`);
    this.images.add(image);
  }

  async volumeExists(databaseId: string): Promise<boolean> {
    this.record('volumeExists', databaseId);
    return this.volumes.has(databaseId);
  }

  async ensureVolume(databaseId: string, teamId: string): Promise<'created' | 'kept'> {
    this.record('ensureVolume', databaseId);
    if (this.volumes.has(databaseId)) return 'kept';
    this.volumes.set(databaseId, { teamId });
    return 'created';
  }

  async removeVolume(databaseId: string): Promise<boolean> {
    this.record('removeVolume', databaseId);
    if (this.containers.has(databaseId)) throw new Error('volume is in use');
    return this.volumes.delete(databaseId);
  }

  private start(config: DatabaseContainerConfig): void {
    if (config.publicPort !== null && (this.takenPorts.has(config.publicPort) || this.publishedPorts(config.databaseId).has(config.publicPort))) {
      throw new DatabasePortTakenError(config.publicPort);
    }
    if (!this.images.has(config.image)) throw new Error(`No such image: ${config.image}`);
    const existing = this.containers.get(config.databaseId);
    this.containers.set(config.databaseId, { config, running: true, exitCode: null, starts: (existing?.starts ?? 0) + 1 });
  }

  async createContainer(config: DatabaseContainerConfig): Promise<void> {
    this.record('createContainer', config.databaseId);
    if (this.containers.has(config.databaseId)) throw new Error('Conflict: the container name is already in use');
    this.start(config);
  }

  async recreateContainer(config: DatabaseContainerConfig): Promise<void> {
    this.record('recreateContainer', config.databaseId);
    const old = this.containers.get(config.databaseId);
    this.containers.delete(config.databaseId);
    try {
      this.start(config);
    } catch (error) {
      if (old) this.containers.set(config.databaseId, old);
      throw error;
    }
  }

  async containerState(databaseId: string): Promise<DatabaseContainerState | null> {
    this.record('containerState', databaseId);
    const container = this.containers.get(databaseId);
    return container ? { running: container.running, exitCode: container.exitCode, image: container.config.image } : null;
  }

  async containerStates(): Promise<Map<string, DatabaseContainerHealth>> {
    this.record('containerStates');
    const states = new Map<string, DatabaseContainerHealth>();
    for (const [id, container] of this.containers) {
      const state = container.state ?? (container.running ? 'running' : 'exited');
      states.set(id, { state, exitCode: state === 'running' ? null : container.exitCode, oomKilled: container.oomKilled ?? false });
    }
    return states;
  }

  private get(databaseId: string): FakeDatabaseContainer {
    const container = this.containers.get(databaseId);
    if (!container) throw Object.assign(new Error(`No such container: ${databaseId}`), { statusCode: 404 });
    return container;
  }

  async startContainer(databaseId: string): Promise<void> {
    this.record('startContainer', databaseId);
    const container = this.get(databaseId);
    if (!container.running)
      Object.assign(container, { running: true, exitCode: null, state: undefined, oomKilled: false, starts: container.starts + 1 });
  }

  async stopContainer(databaseId: string): Promise<void> {
    this.record('stopContainer', databaseId);
    Object.assign(this.get(databaseId), { running: false, exitCode: 0, state: undefined, oomKilled: false });
  }

  async restartContainer(databaseId: string): Promise<void> {
    this.record('restartContainer', databaseId);
    const container = this.get(databaseId);
    Object.assign(container, { running: true, exitCode: null, state: undefined, oomKilled: false, starts: container.starts + 1 });
  }

  async removeContainer(databaseId: string): Promise<void> {
    this.record('removeContainer', databaseId);
    this.containers.delete(databaseId);
  }

  async exec(databaseId: string, command: EngineCommand): Promise<DatabaseExecResult> {
    this.record('exec', databaseId, command.argv[0]);
    if (!this.get(databaseId).running) throw new Error(`Container ${databaseId} is not running`);
    this.execs.push({ databaseId, command });
    return this.onExec(databaseId, command);
  }

  async logTail(databaseId: string): Promise<string[]> {
    this.record('logTail', databaseId);
    return this.containers.has(databaseId) ? ['engine log line'] : [];
  }
}
