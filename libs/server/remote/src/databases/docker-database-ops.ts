import type { Duplex, Readable } from 'node:stream';
import { ZPANEL_LABELS, type EngineCommand, type ZpanelDockerNames } from '@zpanel/core';
import type Docker from 'dockerode';
import { ZPANEL_MANAGED_LABEL } from '../docker/containers';
import { dockerMessage, dockerStatusCode as statusCode, followDockerProgress, ignoringDockerStatus as ignoring } from '../docker/docker-api';
import { LogFrameDemuxer } from '../docker/log-demux';
import { ensureZpanelNetwork } from '../docker/zpanel-network';
import {
  type DatabaseContainerConfig,
  type DatabaseContainerHealth,
  type DatabaseContainerState,
  type DatabaseExecResult,
  type DatabaseOps,
  DatabasePortTakenError,
} from './database-ops';

/** A database container's role label. */
export const DATABASE_ROLE = 'database';

/** Output kept per exec stream: enough for an engine's error message, never a runaway log. */
const EXEC_OUTPUT_MAX_CHARS = 64 * 1024;

/** Docker's words when a published port is in use (docker-proxy, or the kernel's for an address in use). */
const PORT_IN_USE = /port is already allocated|address already in use|bind for .* failed/i;

/**
 * Database containers and volumes on one server's Docker Engine, for this instance's namespace. The
 * container is named and aliased `databaseAlias(id)` on the instance network, mounts
 * `databaseVolume(id)` on the engine's data directory, restarts unless stopped, and carries the
 * managed, namespace, team, database and role labels (the volume the same but the role).
 */
export class DockerDatabaseOps implements DatabaseOps {
  constructor(
    private readonly docker: Docker,
    private readonly names: ZpanelDockerNames,
  ) {}

  async ensureNetwork(): Promise<void> {
    await ensureZpanelNetwork(this.docker, this.names);
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  }

  async pullImage(image: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    const stream = (await this.docker.pull(image, { abortSignal: signal })) as Readable;
    await followDockerProgress(stream, (event) => {
      // Per-layer progress bars are noise in a stored log; their final states are kept.
      if (event.status && !event.progress) onLine(event.id ? `${event.id}: ${event.status}` : event.status);
    });
  }

  async volumeExists(databaseId: string): Promise<boolean> {
    try {
      await this.docker.getVolume(this.names.databaseVolume(databaseId)).inspect();
      return true;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  }

  async ensureVolume(databaseId: string, teamId: string): Promise<'created' | 'kept'> {
    if (await this.volumeExists(databaseId)) return 'kept';
    // Creating a named volume that exists is a no-op for Docker, so a race between two creates is harmless.
    await this.docker.createVolume({ Name: this.names.databaseVolume(databaseId), Driver: 'local', Labels: this.labels(databaseId, teamId) });
    return 'created';
  }

  async removeVolume(databaseId: string): Promise<boolean> {
    try {
      await this.docker.getVolume(this.names.databaseVolume(databaseId)).remove();
      return true;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  }

  async createContainer(config: DatabaseContainerConfig): Promise<void> {
    await this.createAndStart(this.names.databaseAlias(config.databaseId), config);
  }

  async recreateContainer(config: DatabaseContainerConfig, stopGraceSeconds: number): Promise<void> {
    const name = this.names.databaseAlias(config.databaseId);
    const old = this.docker.getContainer(name);
    const aside = `${name}-previous`;
    // A set-aside container of an earlier recreate that died half-way: the current one wins.
    await ignoring([404, 409], () => this.docker.getContainer(aside).remove({ force: true }));
    const before = await this.containerState(config.databaseId);
    const hadOld = before !== null;
    if (hadOld) {
      // Stopped first: two engines must never open one data directory.
      await ignoring([304], () => old.stop({ t: stopGraceSeconds }));
      await old.rename({ name: aside });
    }
    try {
      await this.createAndStart(name, config);
    } catch (error) {
      if (hadOld) {
        // The old container goes back as it was, data untouched: the database keeps its old settings.
        await this.docker.getContainer(aside).rename({ name });
        if (before.running) await ignoring([304], () => this.docker.getContainer(name).start());
      }
      throw error;
    }
    if (hadOld) await ignoring([404, 409], () => this.docker.getContainer(aside).remove({ force: true }));
  }

  async containerState(databaseId: string): Promise<DatabaseContainerState | null> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(this.names.databaseAlias(databaseId)).inspect();
    } catch (error) {
      if (statusCode(error) === 404) return null;
      throw error;
    }
    const running = info.State.Running && !info.State.Restarting;
    return { running, exitCode: running ? null : (info.State.ExitCode ?? null), image: info.Config.Image };
  }

  async containerStates(signal?: AbortSignal): Promise<Map<string, DatabaseContainerHealth>> {
    const listed = await this.docker.listContainers({
      all: true,
      filters: { label: [`${ZPANEL_LABELS.namespace}=${this.names.namespace}`, ZPANEL_LABELS.database] },
      ...(signal ? { abortSignal: signal } : {}),
    });
    const states = new Map<string, DatabaseContainerHealth>();
    for (const info of listed) {
      const databaseId = info.Labels?.[ZPANEL_LABELS.database];
      // By name too: the set-aside container of a recreate carries the same label but is not the database's.
      if (!databaseId || !(info.Names ?? []).includes(`/${this.names.databaseAlias(databaseId)}`)) continue;
      const state = info.State ?? 'unknown';
      let exitCode: number | null = null;
      let oomKilled = false;
      if (state === 'exited' || state === 'dead') {
        try {
          const inspected = await this.docker.getContainer(info.Id).inspect(signal ? { abortSignal: signal } : {});
          exitCode = inspected.State.ExitCode ?? null;
          oomKilled = inspected.State.OOMKilled === true;
        } catch (error) {
          if (signal?.aborted) throw error;
          // Removed between the listing and now: the next check sees it gone.
          if (statusCode(error) === 404) continue;
          throw error;
        }
      }
      states.set(databaseId, { state, exitCode, oomKilled });
    }
    return states;
  }

  async startContainer(databaseId: string): Promise<void> {
    await ignoring([304], () => this.docker.getContainer(this.names.databaseAlias(databaseId)).start());
  }

  async stopContainer(databaseId: string, graceSeconds: number): Promise<void> {
    await ignoring([304], () => this.docker.getContainer(this.names.databaseAlias(databaseId)).stop({ t: graceSeconds }));
  }

  async restartContainer(databaseId: string, graceSeconds: number): Promise<void> {
    await this.docker.getContainer(this.names.databaseAlias(databaseId)).restart({ t: graceSeconds });
  }

  async removeContainer(databaseId: string): Promise<void> {
    await ignoring([404, 409], () => this.docker.getContainer(this.names.databaseAlias(databaseId)).remove({ force: true }));
  }

  exec(databaseId: string, command: EngineCommand, options: { timeoutMs: number; signal?: AbortSignal }): Promise<DatabaseExecResult> {
    return execCaptured(this.docker.getContainer(this.names.databaseAlias(databaseId)), command, options);
  }

  async logTail(databaseId: string, lines: number): Promise<string[]> {
    try {
      const raw = (await this.docker
        .getContainer(this.names.databaseAlias(databaseId))
        .logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
      let text = '';
      const frames = new LogFrameDemuxer((_name, payload) => (text += payload.toString('utf8')));
      frames.push(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
      return text.split('\n').filter((line) => line.trim() !== '');
    } catch (error) {
      if (statusCode(error) === 404) return [];
      throw error;
    }
  }

  private labels(databaseId: string, teamId: string): Record<string, string> {
    return {
      [ZPANEL_MANAGED_LABEL]: 'true',
      [ZPANEL_LABELS.namespace]: this.names.namespace,
      [ZPANEL_LABELS.team]: teamId,
      [ZPANEL_LABELS.database]: databaseId,
    };
  }

  private async createAndStart(name: string, config: DatabaseContainerConfig): Promise<void> {
    const { spec } = config;
    const port = `${spec.internalPort}/tcp`;
    const hostConfig: Docker.HostConfig = {
      RestartPolicy: { Name: 'unless-stopped' },
      NetworkMode: this.names.network,
      Mounts: [{ Type: 'volume', Source: this.names.databaseVolume(config.databaseId), Target: spec.dataDirectory }],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    };
    if (config.memoryLimitMb !== null) hostConfig.Memory = config.memoryLimitMb * 1024 * 1024;
    if (config.cpuLimit !== null) hostConfig.NanoCpus = Math.round(config.cpuLimit * 1e9);
    if (config.publicPort !== null) hostConfig.PortBindings = { [port]: [{ HostPort: String(config.publicPort) }] };
    const container = await this.docker.createContainer({
      name,
      Image: config.image,
      Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
      ...(spec.command.length > 0 ? { Cmd: spec.command } : {}),
      Labels: { ...this.labels(config.databaseId, config.teamId), [ZPANEL_LABELS.role]: DATABASE_ROLE },
      ExposedPorts: { [port]: {} },
      HostConfig: hostConfig,
      NetworkingConfig: { EndpointsConfig: { [this.names.network]: { Aliases: [name] } } },
    });
    try {
      await container.start();
    } catch (error) {
      await ignoring([404, 409], () => container.remove({ force: true }));
      if (config.publicPort !== null && PORT_IN_USE.test(dockerMessage(error))) throw new DatabasePortTakenError(config.publicPort, { cause: error });
      throw error;
    }
  }
}

/**
 * Starts the command inside the container (argv, no shell, no TTY), its environment passed through
 * the Docker API (never an argv on the server, `ps`): the exec and its hijacked multiplexed stream.
 */
export async function startExec(
  container: Docker.Container,
  command: EngineCommand,
  withStdin: boolean,
): Promise<{ exec: Docker.Exec; stream: Duplex }> {
  const exec = await container.exec({
    Cmd: command.argv,
    Env: Object.entries(command.env).map(([name, value]) => `${name}=${value}`),
    AttachStdin: withStdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  return { exec, stream: (await exec.start({ hijack: true, stdin: withStdin })) as Duplex };
}

/**
 * Runs the command inside the container (argv, no shell), its environment passed through the Docker
 * API (never an argv on the server) and `stdin` written then closed; output kept up to a cap per stream.
 */
export async function execCaptured(
  container: Docker.Container,
  command: EngineCommand,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<DatabaseExecResult> {
  const withStdin = command.stdin !== undefined;
  const { exec, stream } = await startExec(container, command, withStdin);
  const output = { stdout: '', stderr: '' };
  const frames = new LogFrameDemuxer((name, payload) => {
    if (output[name].length < EXEC_OUTPUT_MAX_CHARS) output[name] += payload.toString('utf8').slice(0, EXEC_OUTPUT_MAX_CHARS - output[name].length);
  });
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      stream.destroy();
      done(new Error(`${command.argv[0]} did not finish within ${Math.round(options.timeoutMs / 1000)} s`));
    }, options.timeoutMs);
    const onAbort = () => {
      stream.destroy();
      done(new Error(`${command.argv[0]} was stopped`));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => frames.push(chunk));
    stream.once('end', () => done());
    stream.once('close', () => done());
    stream.once('error', (error: Error) => done(error));
    // The statement (and any new password in it) goes on stdin, which is then closed so the client ends.
    if (withStdin) stream.end(command.stdin);
  });
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? null, ...output };
}
