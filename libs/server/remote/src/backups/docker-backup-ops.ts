import { randomBytes, randomUUID } from 'node:crypto';
import { type Duplex, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BackupInventory, type DatabaseEngine, REDIS_DATABASE_NAME, REDIS_USER_NAME } from '@zpanel/contracts';
import {
  type DatabaseCredentials,
  type EngineCommand,
  type RedisBackupQuery,
  type RedisFiles,
  ReasonError,
  VOLUME_MOUNT,
  ZPANEL_LABELS,
  type ZpanelDockerNames,
  databaseContainer,
  imageReferenceTag,
  mysqlDumpCommand,
  mysqlRestoreCommand,
  mysqlToolNames,
  newDatabaseCredentials,
  parseRedisConfig,
  parseRedisInfo,
  parseSqlInventory,
  pgDumpCommand,
  pgRestoreCommand,
  readinessProbe,
  redisBackupCommand,
  redisFiles,
  redisReadRdbCommand,
  redisReplaceRdbCommand,
  sqlInventoryCommand,
  toolVersionCommand,
  volumeCommand,
} from '@zpanel/core';
import type Docker from 'dockerode';
import { ZPANEL_MANAGED_LABEL } from '../docker/containers';
import { dockerMessage, dockerStatusCode, followDockerProgress, ignoringDockerStatus } from '../docker/docker-api';
import { ensureZpanelNetwork } from '../docker/zpanel-network';
import { type DatabaseExecResult, type ReadinessTimings, waitUntilReady } from '../databases/database-ops';
import { execCaptured, startExec } from '../databases/docker-database-ops';
import { TarInventory } from './tar-inventory';
import {
  type BackupOps,
  BackupToolError,
  type DatabasePlace,
  type DatabaseTarget,
  type DumpStream,
  type ScratchDatabase,
  type ScratchVolume,
} from './backup-ops';
import { wireHijacked } from './hijacked-stream';

/** The helper image when the setting gives none: small, official, with sh, tar, find, stat and awk. */
export const DEFAULT_BACKUP_HELPER_IMAGE = 'busybox:1.36';

/** Role labels of the short-lived containers backups start. */
export const BACKUP_HELPER_ROLE = 'backup-helper';
export const BACKUP_SCRATCH_ROLE = 'backup-scratch';

export interface DockerBackupSettings {
  names: ZpanelDockerNames;
  /** Image of the volume helper containers (`BACKUP_HELPER_IMAGE`). */
  helperImage: string;
  /** How long a scratch database and a restored Redis are waited for. */
  readiness: ReadinessTimings;
  /** Grace period when a Redis container is stopped for a restore (it writes its RDB on SIGTERM). */
  stopGraceSeconds: number;
  /** How often BGSAVE's end is polled. */
  bgsavePollMs: number;
  /**
   * A scratch container or volume older than this was left by a worker that stopped during its
   * verification (no run outlives it), and the next scratch started on the server removes it.
   */
  scratchMaxAgeMs: number;
}

/** The longest run (a 1440-minute timeout) and an hour. */
const SCRATCH_MAX_AGE_MS = 25 * 60 * 60 * 1000;

export const DEFAULT_BACKUP_TIMINGS: Pick<DockerBackupSettings, 'readiness' | 'stopGraceSeconds' | 'bgsavePollMs' | 'scratchMaxAgeMs'> = {
  readiness: { timeoutMs: 180_000, intervalMs: 1_000, quick: { intervalMs: 100, forMs: 10_000 }, probeTimeoutMs: 10_000 },
  stopGraceSeconds: 60,
  bgsavePollMs: 100,
  scratchMaxAgeMs: SCRATCH_MAX_AGE_MS,
};

/** Output of a short command (inventory, INFO, CONFIG GET): far more than any answers, a cap still. */
const SHORT_OUTPUT_MAX_BYTES = 16 * 1024 * 1024;
const SHORT_TIMEOUT_MS = 30_000;
/** Docker's volume names. */
const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{1,254}$/;

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
}

function credentialsOf(target: DatabaseTarget): DatabaseCredentials {
  return target.engine === 'redis'
    ? { databaseName: REDIS_DATABASE_NAME, userName: REDIS_USER_NAME, password: target.password, rootPassword: null }
    : { databaseName: target.databaseName ?? '', userName: target.userName ?? '', password: target.password, rootPassword: target.rootPassword };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The tail of a tool's words for a reason: its last lines, at most 1000 characters. */
function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 1000 ? `…${trimmed.slice(-1000)}` : trimmed;
}

async function collect(stream: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      stream.destroy();
      throw new Error(`the answer was longer than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `BackupOps` on one server's Docker Engine (over the pooled SSH connection): the engines' tools run
 * by exec inside the database's container, their output demultiplexed and streamed with backpressure
 * (the tool blocks while the worker's reader is slow, so nothing is buffered whole); volumes through a
 * helper container of `helperImage` that mounts them and is always removed. Everything it creates is
 * labelled with the instance's namespace and a backup role, on the instance's network or on none.
 */
export class DockerBackupOps implements BackupOps {
  private readonly settings: DockerBackupSettings;

  /** `settings`: the instance's names and `BACKUP_HELPER_IMAGE`; timings default to DEFAULT_BACKUP_TIMINGS. */
  constructor(
    private readonly docker: Docker,
    settings: Pick<DockerBackupSettings, 'names' | 'helperImage'> & Partial<DockerBackupSettings>,
  ) {
    this.settings = { ...DEFAULT_BACKUP_TIMINGS, ...settings };
  }

  private get names(): ZpanelDockerNames {
    return this.settings.names;
  }

  async inventory(place: DatabasePlace, target: DatabaseTarget, signal: AbortSignal): Promise<BackupInventory> {
    const container = await this.runningContainer(place);
    const credentials = credentialsOf(target);
    if (target.engine === 'redis') {
      const answer = await this.redis(container, credentials, 'dbsize', signal);
      if (!/^\d+$/.test(answer.trim())) throw new BackupToolError('backup.dump_failed', 'redis-cli DBSIZE', 0, tail(answer));
      return { keys: Number(answer.trim()) };
    }
    const tool = target.engine === 'postgresql' ? undefined : await this.pickTool(container, target.engine, 'client', signal);
    const command = sqlInventoryCommand(target.engine, credentials, tool);
    return parseSqlInventory(await this.short(container, command, signal, command.argv[0]));
  }

  async dumpDatabase(target: DatabaseTarget, signal: AbortSignal): Promise<DumpStream> {
    const container = await this.runningContainer({ databaseId: target.databaseId });
    const credentials = credentialsOf(target);
    switch (target.engine) {
      case 'postgresql':
        return this.execStream(container, pgDumpCommand(credentials), undefined, signal, 'backup.dump_failed');
      case 'mysql':
      case 'mariadb': {
        const tool = await this.pickTool(container, target.engine, 'dump', signal);
        return this.execStream(container, mysqlDumpCommand(target.engine, credentials, tool), undefined, signal, 'backup.dump_failed');
      }
      case 'redis': {
        await this.redisSnapshot(container, credentials, signal);
        const files = await this.redisFiles(container, credentials, signal);
        return this.execStream(container, redisReadRdbCommand(files), undefined, signal, 'backup.dump_failed');
      }
    }
  }

  async restoreDatabase(place: DatabasePlace, target: DatabaseTarget, dump: Readable, signal: AbortSignal): Promise<void> {
    const container = await this.runningContainer(place);
    const credentials = credentialsOf(target);
    if (target.engine === 'redis') return this.restoreRedis(container, target.engine, credentials, dump, signal);
    const command =
      target.engine === 'postgresql'
        ? pgRestoreCommand(credentials)
        : mysqlRestoreCommand(target.engine, credentials, await this.pickTool(container, target.engine, 'client', signal));
    const run = await this.execStream(container, command, dump, signal, 'backup.restore_failed');
    // Neither tool writes anything on stdout for a dump; drained so that nothing holds it back.
    run.stream.resume();
    await run.done;
  }

  async startScratchDatabase(
    engine: DatabaseEngine,
    image: string,
    signal: AbortSignal,
    like?: { databaseName: string | null; userName: string | null },
  ): Promise<ScratchDatabase> {
    const credentials = newDatabaseCredentials(engine, {
      databaseName: like?.databaseName ?? 'zpanel_verify',
      userName: like?.userName ?? 'zpanel_verify',
    });
    const spec = databaseContainer(engine, imageReferenceTag(image) ?? 'latest', credentials);
    await this.sweepScratch();
    await ensureZpanelNetwork(this.docker, this.names);
    const name = this.scratchName();
    const labels = this.labels(BACKUP_SCRATCH_ROLE);
    const container = await this.docker.createContainer({
      name,
      Image: image,
      Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
      ...(spec.command.length > 0 ? { Cmd: spec.command } : {}),
      Labels: labels,
      HostConfig: {
        NetworkMode: this.names.network,
        // An anonymous volume on the data directory, labelled, removed with the container (v: true).
        Mounts: [
          { Type: 'volume', Source: '', Target: spec.dataDirectory, VolumeOptions: { Labels: labels } as Docker.MountSettings['VolumeOptions'] },
        ],
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
      },
    });
    const remove = () => ignoringDockerStatus([404, 409], () => container.remove({ force: true, v: true })).catch(() => undefined);
    try {
      await container.start();
      const readiness = await waitUntilReady(this.execOps(name), name, readinessProbe(engine, credentials), this.settings.readiness, signal);
      if (!readiness.ready) {
        throw new ReasonError(
          'backup.restore_failed',
          `The scratch ${engine} container (${image}) did not become ready (${readiness.why}${readiness.exitCode === null ? '' : `, exit code ${readiness.exitCode}`})${readiness.lastOutput ? `: ${tail(readiness.lastOutput)}` : ''}`,
        );
      }
    } catch (error) {
      await remove();
      throw signal.aborted ? abortReason(signal) : error;
    }
    const sql = engine !== 'redis';
    return {
      container: name,
      target: {
        databaseId: randomUUID(),
        engine,
        databaseName: sql ? credentials.databaseName : null,
        userName: sql ? credentials.userName : null,
        password: credentials.password,
        rootPassword: credentials.rootPassword,
      },
      remove,
    };
  }

  /**
   * A new volume named and labelled like a scratch container (`<namespace>-backup-scratch-<12 hex>`,
   * namespace and `backup-scratch` role), so `restoreVolume` and `volumeInventory` accept it and one a
   * stopped worker left is found by its labels. `remove` also ends a helper still mounting it
   * (one whose removal lost a race with an abort), and never throws.
   */
  async startScratchVolume(signal: AbortSignal): Promise<ScratchVolume> {
    signal.throwIfAborted();
    await this.sweepScratch();
    const name = this.scratchName();
    await this.docker.createVolume({ Name: name, Labels: this.labels(BACKUP_SCRATCH_ROLE) });
    const volume = this.docker.getVolume(name);
    const remove = async (): Promise<void> => {
      try {
        await ignoringDockerStatus([404], () => volume.remove());
      } catch (error) {
        if (dockerStatusCode(error) !== 409) return;
        const users = await this.docker
          .listContainers({ all: true, filters: { volume: [name], label: [`${ZPANEL_LABELS.namespace}=${this.names.namespace}`] } })
          .catch(() => []);
        for (const user of users)
          await ignoringDockerStatus([404, 409], () => this.docker.getContainer(user.Id).remove({ force: true })).catch(() => undefined);
        await ignoringDockerStatus([404], () => volume.remove()).catch(() => undefined);
      }
    };
    if (signal.aborted) {
      await remove();
      throw abortReason(signal);
    }
    return { name, remove };
  }

  async dumpVolume(volumeName: string, signal: AbortSignal): Promise<DumpStream> {
    await this.ourVolume(volumeName);
    await this.helperImage(signal);
    return this.runHelper(
      this.settings.helperImage,
      volumeCommand('dump'),
      { Mounts: [this.volumeMount(volumeName, true)] },
      undefined,
      signal,
      'backup.dump_failed',
      'tar',
    );
  }

  async restoreVolume(volumeName: string, tar: Readable, signal: AbortSignal): Promise<void> {
    await this.ourVolume(volumeName);
    await this.helperImage(signal);
    const run = await this.runHelper(
      this.settings.helperImage,
      volumeCommand('restore'),
      { Mounts: [this.volumeMount(volumeName, false)] },
      tar,
      signal,
      'backup.restore_failed',
      'tar (volume restore)',
    );
    run.stream.resume();
    await run.done;
  }

  /**
   * The volume's tar (the dump's own command) read through `TarInventory`, the code that counts a
   * backup's dump as it passes: a verification compares two results of one formula over one kind of
   * input, never a server-side script's listing with the worker's.
   */
  async volumeInventory(volumeName: string, signal: AbortSignal): Promise<BackupInventory> {
    // Its own signal: a tar that cannot be read stops the helper too.
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const run = await this.dumpVolume(volumeName, stop.signal);
      const tap = new TarInventory();
      try {
        await pipeline(run.stream, tap, new Writable({ write: (_chunk, _encoding, done) => done() }));
      } catch (error) {
        stop.abort(error);
        // The tool's own failure (its exit code, its stderr) explains a cut tar better than the parser does.
        throw await run.done.then(
          () => error,
          (failure: unknown) => failure,
        );
      }
      await run.done;
      return tap.inventory();
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  // ---- Redis ----

  /**
   * BGSAVE, then wait until that save (not an earlier one) ended: `rdb_saves` (Redis 7) or
   * `rdb_last_save_time` moved past what they were before, with no save in progress; its status must be ok.
   */
  private async redisSnapshot(container: string, credentials: DatabaseCredentials, signal: AbortSignal): Promise<void> {
    const info = async () => parseRedisInfo(await this.redis(container, credentials, 'info-persistence', signal));
    const before = await info();
    if (before.rdb_bgsave_in_progress === undefined)
      throw new BackupToolError('backup.dump_failed', 'redis-cli INFO persistence', 0, 'no persistence section in the answer');
    const answer = await this.redis(container, credentials, 'bgsave', signal);
    if (!/Background saving (started|scheduled)/.test(answer)) throw new BackupToolError('backup.dump_failed', 'redis-cli BGSAVE', 0, tail(answer));
    for (;;) {
      await sleep(this.settings.bgsavePollMs, signal);
      const now = await info();
      const newer =
        before.rdb_saves !== undefined && now.rdb_saves !== undefined
          ? Number(now.rdb_saves) > Number(before.rdb_saves)
          : Number(now.rdb_last_save_time) > Number(before.rdb_last_save_time);
      if (now.rdb_bgsave_in_progress !== '0' || !newer) continue;
      if (now.rdb_last_bgsave_status !== 'ok')
        throw new BackupToolError(
          'backup.dump_failed',
          'redis BGSAVE',
          null,
          `rdb_last_bgsave_status:${now.rdb_last_bgsave_status ?? 'unknown'} (see the container's log)`,
        );
      return;
    }
  }

  private async redisFiles(container: string, credentials: DatabaseCredentials, signal: AbortSignal): Promise<RedisFiles> {
    const dir = parseRedisConfig(await this.redis(container, credentials, 'config-dir', signal));
    const persistence = parseRedisConfig(await this.redis(container, credentials, 'config-persistence', signal));
    return redisFiles({ ...dir, ...persistence });
  }

  /**
   * Stops the container (Redis writes its own RDB on the way down, which the restore then replaces),
   * writes the dump as its RDB (and AOF) from a helper of the container's own image that has its
   * volumes (the image has the RDB checker, so a cut or changed file never replaces the data), and
   * starts it again, waiting until it answers: started even when the restore failed (data untouched).
   */
  private async restoreRedis(
    container: string,
    engine: DatabaseEngine,
    credentials: DatabaseCredentials,
    dump: Readable,
    signal: AbortSignal,
  ): Promise<void> {
    const files = await this.redisFiles(container, credentials, signal);
    const info = await this.docker.getContainer(container).inspect();
    await ignoringDockerStatus([304], () => this.docker.getContainer(container).stop({ t: this.settings.stopGraceSeconds }));
    let failure: unknown = null;
    try {
      const run = await this.runHelper(
        info.Image,
        redisReplaceRdbCommand(files),
        { VolumesFrom: [container] },
        dump,
        signal,
        'backup.restore_failed',
        'the RDB restore helper',
        true,
      );
      run.stream.resume();
      await run.done;
    } catch (error) {
      failure = error;
    }
    await ignoringDockerStatus([304], () => this.docker.getContainer(container).start());
    const readiness = await waitUntilReady(this.execOps(container), container, readinessProbe(engine, credentials), this.settings.readiness, signal);
    if (failure) throw failure;
    if (!readiness.ready)
      throw new ReasonError(
        'backup.restore_failed',
        `Redis did not answer after the restore (${readiness.why})${readiness.lastOutput ? `: ${tail(readiness.lastOutput)}` : ''}`,
      );
  }

  // ---- exec and helpers ----

  /** A running container of the place, or `backup.source_gone`. */
  private async runningContainer(place: DatabasePlace): Promise<string> {
    const name = 'databaseId' in place ? this.names.databaseAlias(place.databaseId) : this.checkedScratch(place.container);
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(name).inspect();
    } catch (error) {
      if (dockerStatusCode(error) === 404)
        throw new ReasonError('backup.source_gone', "The database's container is missing on the server.", { cause: error });
      throw error;
    }
    if (!info.State.Running || info.State.Restarting)
      throw new ReasonError('backup.source_gone', "The database's container is not running; start it first.");
    return name;
  }

  /**
   * Removes this instance's scratch containers (with their volumes) and scratch volumes older than
   * `scratchMaxAgeMs`, which a worker stopped during a verification left behind (nothing else would
   * ever remove them). Never throws: what it could not remove waits for the next scratch.
   */
  private async sweepScratch(): Promise<void> {
    const filters = { label: [`${ZPANEL_LABELS.namespace}=${this.names.namespace}`, `${ZPANEL_LABELS.role}=${BACKUP_SCRATCH_ROLE}`] };
    const before = Date.now() - this.settings.scratchMaxAgeMs;
    const quietly = (work: () => Promise<unknown>) => ignoringDockerStatus([404, 409], work).catch(() => undefined);
    try {
      for (const container of await this.docker.listContainers({ all: true, filters })) {
        if (container.Created * 1000 < before) await quietly(() => this.docker.getContainer(container.Id).remove({ force: true, v: true }));
      }
      for (const volume of (await this.docker.listVolumes({ filters })).Volumes ?? []) {
        const created = Date.parse((volume as { CreatedAt?: string }).CreatedAt ?? '');
        if (created < before) await quietly(() => this.docker.getVolume(volume.Name).remove());
      }
    } catch {
      // The listing failed: the next scratch tries again.
    }
  }

  private scratchName(): string {
    return `${this.names.namespace}-${BACKUP_SCRATCH_ROLE}-${randomBytes(6).toString('hex')}`;
  }

  private checkedScratch(container: string): string {
    if (!new RegExp(`^${this.names.namespace}-${BACKUP_SCRATCH_ROLE}-[0-9a-f]{12}$`).test(container))
      throw new Error('not a scratch container of this instance');
    return container;
  }

  private labels(role: string): Record<string, string> {
    return { [ZPANEL_MANAGED_LABEL]: 'true', [ZPANEL_LABELS.namespace]: this.names.namespace, [ZPANEL_LABELS.role]: role };
  }

  /** What `waitUntilReady` needs, for a container by name. */
  private execOps(name: string) {
    const container = this.docker.getContainer(name);
    return {
      exec: (_id: string, command: EngineCommand, options: { timeoutMs: number; signal?: AbortSignal }): Promise<DatabaseExecResult> =>
        execCaptured(container, command, options),
      containerState: async () => {
        try {
          const info = await container.inspect();
          const running = info.State.Running && !info.State.Restarting;
          return { running, exitCode: running ? null : (info.State.ExitCode ?? null), image: info.Config.Image };
        } catch (error) {
          if (dockerStatusCode(error) === 404) return null;
          throw error;
        }
      },
    };
  }

  /** The first of the engine's tool names the image has (`mariadb-dump`, else `mysqldump`). */
  private async pickTool(container: string, engine: 'mysql' | 'mariadb', kind: 'client' | 'dump', signal: AbortSignal): Promise<string> {
    const names = mysqlToolNames(engine, kind);
    for (const name of names) {
      const result = await execCaptured(this.docker.getContainer(container), toolVersionCommand(name), { timeoutMs: SHORT_TIMEOUT_MS, signal });
      if (result.exitCode === 0) return name;
    }
    throw new BackupToolError(
      kind === 'dump' ? 'backup.dump_failed' : 'backup.restore_failed',
      names.join(' or '),
      null,
      '',
      `The image has none of ${names.join(', ')}.`,
    );
  }

  /** A short command's stdout; a non-zero exit is a BackupToolError with its stderr. */
  private async short(container: string, command: EngineCommand, signal: AbortSignal, tool: string): Promise<string> {
    const run = await this.execStream(container, command, undefined, signal, 'backup.dump_failed', tool);
    const [stdout] = await Promise.all([collect(run.stream, SHORT_OUTPUT_MAX_BYTES), run.done]);
    return stdout;
  }

  /**
   * A Redis answer: redis-cli exits 0 on an error reply (a wrong password is `AUTH failed` on stderr,
   * then `NOAUTH` as the command's answer), so an answer that is an error is a BackupToolError here.
   */
  private async redis(container: string, credentials: DatabaseCredentials, query: RedisBackupQuery, signal: AbortSignal): Promise<string> {
    const command = redisBackupCommand(credentials, query);
    const run = await this.execStream(container, command, undefined, signal, 'backup.dump_failed', 'redis-cli');
    const [stdout] = await Promise.all([collect(run.stream, SHORT_OUTPUT_MAX_BYTES), run.done]);
    const words = `${run.stderr()}\n${stdout}`.trim();
    if (/^(ERR|WRONGPASS|NOAUTH|NOPERM|LOADING|MISCONF)\b/m.test(stdout) || /AUTH failed/.test(run.stderr())) {
      throw new BackupToolError('backup.dump_failed', `redis-cli ${command.argv.slice(5).join(' ')}`, 0, tail(words));
    }
    return stdout;
  }

  /** Starts the command by exec in the container: its stdout as a stream, its exit as `done`. */
  private async execStream(
    container: string,
    command: EngineCommand,
    input: Readable | undefined,
    signal: AbortSignal,
    code: 'backup.dump_failed' | 'backup.restore_failed',
    tool = command.argv[0],
  ): Promise<DumpStream & { stderr: () => string }> {
    signal.throwIfAborted();
    const withStdin = input !== undefined || command.stdin !== undefined;
    const { exec, stream: socket } = await startExec(this.docker.getContainer(container), command, withStdin);
    const source = input ?? (command.stdin !== undefined ? Readable.from([Buffer.from(command.stdin)]) : undefined);
    const run = wireHijacked(socket, source, signal);
    let stderr = '';
    const done = run.ended.then(async (stderrTail) => {
      stderr = stderrTail;
      const exitCode = await this.execExitCode(exec, signal);
      if (exitCode !== 0) throw new BackupToolError(code, tool, exitCode, tail(stderrTail));
    });
    done.catch(() => undefined);
    return { stream: run.stdout, done, stderr: () => stderr };
  }

  /** The exec's exit code once Docker has it (its output can end a moment before the process is reaped). */
  private async execExitCode(exec: Docker.Exec, signal: AbortSignal): Promise<number | null> {
    for (let attempt = 0; ; attempt++) {
      const info = await exec.inspect();
      if (!info.Running || attempt >= 50) return info.Running ? null : (info.ExitCode ?? null);
      await sleep(20 + attempt * 10, signal);
    }
  }

  private volumeMount(volumeName: string, readOnly: boolean): Docker.MountSettings {
    return { Type: 'volume', Source: volumeName, Target: VOLUME_MOUNT, ReadOnly: readOnly };
  }

  /** The helper image on the server, pulled the first time (like the proxy's image). */
  private async helperImage(signal: AbortSignal): Promise<void> {
    const image = this.settings.helperImage;
    try {
      await this.docker.getImage(image).inspect();
      return;
    } catch (error) {
      if (dockerStatusCode(error) !== 404) throw error;
    }
    try {
      await followDockerProgress((await this.docker.pull(image, { abortSignal: signal })) as Readable, () => undefined);
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      throw new ReasonError('backup.step_failed', `The backup helper image ${image} could not be pulled on the server: ${dockerMessage(error)}`, {
        cause: error,
      });
    }
  }

  /** The volume exists and is this instance's (labelled with its namespace): nothing else is ever mounted. */
  private async ourVolume(volumeName: string): Promise<void> {
    if (!VOLUME_NAME.test(volumeName)) throw new ReasonError('backup.source_gone', 'The volume name is not a Docker volume name.');
    let labels: Record<string, string> | null;
    try {
      labels = ((await this.docker.getVolume(volumeName).inspect()) as { Labels?: Record<string, string> | null }).Labels ?? null;
    } catch (error) {
      if (dockerStatusCode(error) === 404)
        throw new ReasonError('backup.source_gone', `The volume ${volumeName} is missing on the server.`, { cause: error });
      throw error;
    }
    if (labels?.[ZPANEL_LABELS.namespace] !== this.names.namespace)
      throw new ReasonError('backup.source_gone', `The volume ${volumeName} is not one of this instance's volumes.`);
  }

  /**
   * Runs `command` in a new container of `image` (no network, labelled, its log not kept: a dump's
   * bytes go through the attach stream only), attached before it starts; `input` is its stdin. The
   * container is removed once it ended, failed or the signal aborted.
   */
  private async runHelper(
    image: string,
    command: EngineCommand,
    host: Pick<Docker.HostConfig, 'Mounts' | 'VolumesFrom'>,
    input: Readable | undefined,
    signal: AbortSignal,
    code: 'backup.dump_failed' | 'backup.restore_failed',
    tool: string,
    asRoot = false,
  ): Promise<DumpStream> {
    signal.throwIfAborted();
    const withStdin = input !== undefined;
    const container = await this.docker.createContainer({
      name: `${this.names.namespace}-${BACKUP_HELPER_ROLE}-${randomBytes(6).toString('hex')}`,
      Image: image,
      // The entrypoint replaced: an engine image's own would start the engine, or change users.
      Entrypoint: command.argv,
      Cmd: [],
      ...(asRoot ? { User: '0' } : {}),
      Env: Object.entries(command.env).map(([name, value]) => `${name}=${value}`),
      Labels: this.labels(BACKUP_HELPER_ROLE),
      AttachStdin: withStdin,
      AttachStdout: true,
      AttachStderr: true,
      OpenStdin: withStdin,
      StdinOnce: withStdin,
      Tty: false,
      HostConfig: { ...host, NetworkMode: 'none', LogConfig: { Type: 'none', Config: {} } },
    });
    const remove = () => ignoringDockerStatus([404, 409], () => container.remove({ force: true, v: true })).catch(() => undefined);
    let run: ReturnType<typeof wireHijacked>;
    try {
      const socket = (await container.attach({ stream: true, hijack: true, stdin: withStdin, stdout: true, stderr: true })) as unknown as Duplex;
      run = wireHijacked(socket, input, signal);
      await container.start();
    } catch (error) {
      await remove();
      throw signal.aborted ? abortReason(signal) : error;
    }
    const done = run.ended
      .then(async (stderrTail) => {
        const { StatusCode } = (await container.wait()) as { StatusCode?: number };
        if (StatusCode !== 0) throw new BackupToolError(code, tool, StatusCode ?? null, tail(stderrTail));
      })
      .finally(remove);
    done.catch(() => undefined);
    return { stream: run.stdout, done };
  }
}
