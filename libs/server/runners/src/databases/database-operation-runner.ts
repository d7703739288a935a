import {
  type DatabaseEngine,
  type DatabaseOperationKind,
  type DatabaseStatus,
  REDIS_DATABASE_NAME,
  REDIS_USER_NAME,
  type ReasonCode,
} from '@zpanel/contracts';
import {
  DatabaseCommandError,
  type DatabaseCredentials,
  ReasonError,
  type SecretBox,
  type ZpanelDockerNames,
  databaseContainer,
  generateDatabasePassword,
  imageReference,
  imageReferenceTag,
  imageTagChangeProblem,
  passwordRotation,
  readinessProbe,
} from '@zpanel/core';
import { databasePasswordAad, databaseRootPasswordAad } from '@zpanel/database';
import {
  type DatabaseContainerConfig,
  type DatabaseOps,
  type Readiness,
  type ReadinessTimings,
  dockerMessage,
  probeSucceeded,
  waitUntilReady,
} from '@zpanel/remote';
import type { OperationLog } from './operation-log';

/** How long the steps of an operation may take; tests shorten them. */
export interface DatabaseStepTimings {
  /** The first start initialises the data directory (MySQL takes longest): more time than a restart. */
  createReadiness: ReadinessTimings;
  readiness: ReadinessTimings;
  /** SIGTERM to SIGKILL on stop, restart and recreate: the engines finish writing and shut down cleanly. */
  stopGraceSeconds: number;
  /** A command inside the container (password rotation). */
  execTimeoutMs: number;
}

/** The database as the operation reads it (its row), with its passwords opened. */
export interface OperationDatabase {
  id: string;
  teamId: string;
  engine: DatabaseEngine;
  image: string;
  databaseName: string | null;
  userName: string | null;
  publicPort: number | null;
  memoryLimitMb: number | null;
  /** numeric: a string from Postgres. */
  cpuLimit: string | number | null;
  status: DatabaseStatus;
  password: string;
  rootPassword: string | null;
}

/** What the operation writes to the database's row (the handler's is the repository's, the unit tests' an object). */
export interface DatabaseRowWriter {
  setStatus(status: DatabaseStatus, reason?: { reason: string; code: ReasonCode }): Promise<void>;
  /** Sealed already. */
  setPassword(sealed: string): Promise<void>;
  setRootPassword(sealed: string): Promise<void>;
  setImage(image: string): Promise<void>;
  remove(): Promise<void>;
  /**
   * Marks the applications whose variables reference this database for redeploy, saying its password
   * was rotated (their running containers hold the old one); resolves to their names.
   */
  markRotatedForRedeploy(): Promise<string[]>;
}

/** How an operation ended, and what it left its database as (undefined: unchanged; null: deleted). */
export interface OperationOutcome {
  status: 'success' | 'failed';
  reason: string | null;
  reasonCode: ReasonCode | null;
  databaseStatus?: DatabaseStatus | null;
}

const success = (databaseStatus?: DatabaseStatus | null): OperationOutcome => ({ status: 'success', reason: null, reasonCode: null, databaseStatus });

function failed(code: ReasonCode, reason: string, databaseStatus?: DatabaseStatus): OperationOutcome {
  return { status: 'failed', reason, reasonCode: code, databaseStatus };
}

const usesRoot = (engine: DatabaseEngine) => engine === 'mysql' || engine === 'mariadb';

/** A builder's refusal of a stored value (the API checked it before saving; the row was changed behind its back) as a reason. */
function checked<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof DatabaseCommandError) {
      throw new ReasonError('database.step_failed', `The stored ${error.field} fails its allowlist, so nothing was run.`, { cause: error });
    }
    throw error;
  }
}

/**
 * One database operation against the server's Docker (docs/databases.md, "Operations"): what each kind
 * does, in order, logging each step, and the database's status after it. Errors with words for a person
 * (`ReasonError`: a port taken, an image refused, a tag change refused) become the reason; any other
 * is rethrown for the handler, which shows a generic one. Every command comes from the core builders.
 */
export class DatabaseOperationRunner {
  constructor(
    private readonly ops: DatabaseOps,
    private readonly rows: DatabaseRowWriter,
    private readonly box: SecretBox,
    private readonly names: ZpanelDockerNames,
    private readonly log: OperationLog,
    private readonly timings: DatabaseStepTimings,
    private readonly signal: AbortSignal,
  ) {}

  async run(kind: DatabaseOperationKind, database: OperationDatabase, options: { deleteData: boolean }): Promise<OperationOutcome> {
    switch (kind) {
      case 'create':
        return this.create(database);
      case 'start':
        return this.start(database);
      case 'stop':
        return this.stop(database);
      case 'restart':
        return this.restart(database);
      case 'apply':
        return this.apply(database);
      case 'rotate-password':
        return this.rotatePassword(database);
      case 'delete':
        return this.remove(database, options.deleteData);
    }
  }

  private async create(database: OperationDatabase): Promise<OperationOutcome> {
    await this.rows.setStatus('creating');
    let credentials = this.credentials(database);
    if (usesRoot(database.engine) && credentials.rootPassword === null) {
      // The root password is generated here, and kept (sealed) before the container can hold it.
      const rootPassword = generateDatabasePassword();
      this.log.addSecret(rootPassword);
      await this.rows.setRootPassword(this.box.seal(rootPassword, databaseRootPasswordAad(database.id)));
      credentials = { ...credentials, rootPassword };
    }
    const config = this.containerConfig(database, credentials);
    let volume: 'created' | 'kept' | undefined;
    try {
      await this.ops.ensureNetwork();
      await this.ensureImage(database.image);
      volume = await this.ops.ensureVolume(database.id, database.teamId);
      this.log.write(
        volume === 'created'
          ? `Created the data volume ${this.names.databaseVolume(database.id)}.`
          : `Using the existing data volume ${this.names.databaseVolume(database.id)}.`,
      );
      // A container left by an earlier create that died half-way is replaced.
      await this.ops.removeContainer(database.id);
      await this.ops.createContainer(config);
      this.log.write(
        `Started ${this.names.databaseAlias(database.id)} from ${database.image}; waiting for ${database.engine} to accept connections.`,
      );
      const reason = await this.engineAnswers(database, credentials, this.timings.createReadiness);
      if (reason === null) {
        await this.rows.setStatus('running');
        return success('running');
      }
      await this.cleanUpCreate(database, volume);
      await this.rows.setStatus('failed', reason);
      return failed(reason.code, reason.reason, 'failed');
    } catch (error) {
      await this.cleanUpCreate(database, volume).catch((cleanup: unknown) =>
        this.log.write(`Could not remove what the create started: ${this.log.redact(dockerMessage(cleanup))}`),
      );
      const reason = this.reasonFor(error, 'Creating the database failed');
      await this.rows.setStatus('failed', reason);
      return failed(reason.code, reason.reason, 'failed');
    }
  }

  /** A failed create leaves nothing behind: its container, and the volume if this create made it (a kept one holds earlier data). */
  private async cleanUpCreate(database: OperationDatabase, volume: 'created' | 'kept' | undefined): Promise<void> {
    await this.ops.removeContainer(database.id);
    if (volume === 'created' && (await this.ops.removeVolume(database.id))) this.log.write('Removed the container and the new data volume.');
    else this.log.write('Removed the container.');
  }

  private async start(database: OperationDatabase): Promise<OperationOutcome> {
    const credentials = this.credentials(database);
    const state = await this.ops.containerState(database.id);
    if (state === null) {
      this.log.write('The container is missing; creating it again on the data volume.');
      await this.ensureImage(database.image);
      await this.ops.ensureNetwork();
      await this.ops.createContainer(this.containerConfig(database, credentials));
    } else {
      await this.ops.startContainer(database.id);
      this.log.write(`Started ${this.names.databaseAlias(database.id)}.`);
    }
    return this.settleReadiness(database, credentials);
  }

  private async stop(database: OperationDatabase): Promise<OperationOutcome> {
    if ((await this.ops.containerState(database.id)) === null) this.log.write('The container is missing: nothing runs.');
    else {
      this.log.write(`Stopping ${this.names.databaseAlias(database.id)} (up to ${this.timings.stopGraceSeconds} s for a clean shutdown).`);
      await this.ops.stopContainer(database.id, this.timings.stopGraceSeconds);
    }
    await this.rows.setStatus('stopped');
    this.log.write('Stopped.');
    return success('stopped');
  }

  private async restart(database: OperationDatabase): Promise<OperationOutcome> {
    if ((await this.ops.containerState(database.id)) === null) return this.start(database);
    this.log.write(`Restarting ${this.names.databaseAlias(database.id)}.`);
    await this.ops.restartContainer(database.id, this.timings.stopGraceSeconds);
    return this.settleReadiness(database, this.credentials(database));
  }

  /** Recreates the container from the row (image, limits, public port) on the same volume; a refused tag change changes nothing. */
  private async apply(database: OperationDatabase): Promise<OperationOutcome> {
    const credentials = this.credentials(database);
    const state = await this.ops.containerState(database.id);
    if (state !== null && state.image !== database.image) {
      const from = imageReferenceTag(state.image) ?? state.image;
      const to = imageReferenceTag(database.image) ?? database.image;
      const problem = imageTagChangeProblem(database.engine, from, to);
      if (problem !== null) {
        // The row goes back to what runs, so it never claims an image the data cannot take.
        await this.rows.setImage(state.image);
        const reason = `The image cannot change from ${state.image} to ${database.image}: ${problem}.`;
        this.log.write(reason);
        return failed('database.tag_refused', reason);
      }
      this.log.write(`Changing the image from ${state.image} to ${database.image}.`);
    }
    try {
      await this.ensureImage(database.image);
      await this.ops.ensureNetwork();
      this.log.write(`Recreating ${this.names.databaseAlias(database.id)} on the same data volume.`);
      await this.ops.recreateContainer(this.containerConfig(database, credentials), this.timings.stopGraceSeconds);
    } catch (error) {
      const reason = this.reasonFor(error, 'Recreating the container failed');
      this.log.write(state === null ? 'Nothing was running.' : 'The previous container was put back as it was.');
      return failed(reason.code, reason.reason);
    }
    return this.settleReadiness(database, credentials);
  }

  private async rotatePassword(database: OperationDatabase): Promise<OperationOutcome> {
    const credentials = this.credentials(database);
    if (!(await this.ops.containerState(database.id))?.running) {
      return failed('database.rotation_failed', 'The database is not running: start it, then rotate its password.');
    }
    const newPassword = generateDatabasePassword();
    this.log.addSecret(newPassword);
    this.log.write(`Setting a new password for ${credentials.userName} in ${database.engine}.`);
    const command = checked(() => passwordRotation(database.engine, credentials, newPassword));
    const result = await this.ops.exec(database.id, command, { timeoutMs: this.timings.execTimeoutMs, signal: this.signal });
    if (!probeSucceeded(command, result)) {
      const said = this.log.redact(`${result.stdout}${result.stderr}`.trim()).slice(-1000);
      if (said !== '') this.log.write(said);
      return failed(
        'database.rotation_failed',
        `The engine refused the new password (exit ${result.exitCode ?? 'unknown'}); the old one still works.`,
      );
    }
    // The engine has it now: stored next, so what applications are given is what the engine takes.
    await this.rows.setPassword(this.box.seal(newPassword, databasePasswordAad(database.id)));
    this.log.write('The engine took the new password; the old one no longer works.');
    // Only now: a deployment that starts after the mark reads the stored (new) password, so it may clear it.
    const linked = await this.rows.markRotatedForRedeploy();
    this.log.write(
      linked.length === 0
        ? 'No application references this database.'
        : `Marked for redeploy (they run with the old password until then): ${linked.join(', ')}.`,
    );
    const rotated = { ...database, password: newPassword };
    if (database.engine === 'redis') {
      // Redis forgets a CONFIG SET when its container is recreated: the new password goes into its command.
      this.log.write('Recreating the Redis container with the new password.');
      await this.ops.recreateContainer(this.containerConfig(rotated, this.credentials(rotated)), this.timings.stopGraceSeconds);
      return this.settleReadiness(rotated, this.credentials(rotated));
    }
    return success();
  }

  private async remove(database: OperationDatabase, deleteData: boolean): Promise<OperationOutcome> {
    await this.rows.setStatus('deleting');
    try {
      await this.ops.removeContainer(database.id);
      this.log.write(`Removed ${this.names.databaseAlias(database.id)}.`);
      if (deleteData) {
        const removed = await this.ops.removeVolume(database.id);
        this.log.write(removed ? `Removed the data volume ${this.names.databaseVolume(database.id)}.` : 'There was no data volume.');
      } else {
        this.log.write(`Kept the data volume ${this.names.databaseVolume(database.id)} (label zpanel.database=${database.id}).`);
      }
    } catch (error) {
      const reason = this.reasonFor(error, 'Deleting the database failed');
      await this.rows.setStatus('failed', { ...reason, reason: `${reason.reason} Delete it again.` });
      return failed(reason.code, reason.reason, 'failed');
    }
    await this.rows.remove();
    return success(null);
  }

  /** Waits for the engine; the database is `running` when it answers, `unhealthy` (with why) when not. */
  private async settleReadiness(database: OperationDatabase, credentials: DatabaseCredentials): Promise<OperationOutcome> {
    const reason = await this.engineAnswers(database, credentials, this.timings.readiness);
    if (reason === null) {
      await this.rows.setStatus('running');
      return success('running');
    }
    await this.rows.setStatus('unhealthy', reason);
    return failed(reason.code, reason.reason, 'unhealthy');
  }

  /** Probes the engine until it answers (null) or not in time (why, with the engine's last words in the log). */
  private async engineAnswers(
    database: OperationDatabase,
    credentials: DatabaseCredentials,
    timings: ReadinessTimings,
  ): Promise<{ reason: string; code: ReasonCode } | null> {
    const probe = checked(() => readinessProbe(database.engine, credentials));
    const readiness = await waitUntilReady(this.ops, database.id, probe, timings, this.signal);
    if (!readiness.ready) return this.notReadyReason(database, readiness, timings);
    this.log.write(`Ready after ${(readiness.afterMs / 1000).toFixed(1)} s.`);
    return null;
  }

  private async notReadyReason(
    database: OperationDatabase,
    readiness: Exclude<Readiness, { ready: true }>,
    timings: ReadinessTimings,
  ): Promise<{ reason: string; code: ReasonCode }> {
    if (readiness.lastOutput !== '') this.log.write(`Last probe: ${this.log.redact(readiness.lastOutput)}`);
    const tail = await this.ops.logTail(database.id, 20).catch(() => []);
    if (tail.length > 0) {
      this.log.write('Last lines of the engine log:');
      for (const line of tail) this.log.write(`  ${line}`);
    }
    if (readiness.why === 'timeout') {
      const seconds = Math.round(timings.timeoutMs / 1000);
      return { code: 'database.not_ready', reason: `${database.engine} did not accept connections in time (${seconds} s); see the operation log.` };
    }
    if (readiness.why === 'missing') return { code: 'database.container_exited', reason: 'The container disappeared while the engine was starting.' };
    return {
      code: 'database.container_exited',
      reason: `The container stopped (exit code ${readiness.exitCode ?? 'unknown'}) while ${database.engine} was starting; see the operation log.`,
    };
  }

  /** A ReasonError's words; Docker's words (redacted) for its refusals; anything else is not for a person and goes up. */
  private reasonFor(error: unknown, doing: string): { reason: string; code: ReasonCode } {
    if (this.signal.aborted) throw error;
    if (error instanceof ReasonError) {
      this.log.write(error.reason);
      return { reason: error.reason, code: error.code };
    }
    if (typeof (error as { statusCode?: unknown } | null)?.statusCode === 'number') {
      const message = this.log.redact(dockerMessage(error));
      this.log.write(`${doing}: ${message}`);
      return { reason: `${doing}: ${message}`, code: 'database.step_failed' };
    }
    throw error;
  }

  private async ensureImage(image: string): Promise<void> {
    if (await this.ops.imageExists(image)) return;
    this.log.write(`Pulling ${image}.`);
    try {
      await this.ops.pullImage(image, (line) => this.log.write(line), this.signal);
    } catch (error) {
      if (this.signal.aborted) throw error;
      throw new ReasonError('database.image_pull_failed', `The image ${image} could not be pulled: ${this.log.redact(dockerMessage(error))}`, {
        cause: error,
      });
    }
  }

  private credentials(database: OperationDatabase): DatabaseCredentials {
    return {
      databaseName: database.databaseName ?? REDIS_DATABASE_NAME,
      userName: database.userName ?? REDIS_USER_NAME,
      password: database.password,
      rootPassword: database.rootPassword,
    };
  }

  private containerConfig(database: OperationDatabase, credentials: DatabaseCredentials): DatabaseContainerConfig {
    // Checked again here, whatever the API checked before saving: it becomes a Docker API field.
    const problem = imageReference(database.image);
    if (problem) throw new ReasonError('database.step_failed', `The image reference ${problem}.`);
    const tag = imageReferenceTag(database.image) ?? 'latest';
    return {
      databaseId: database.id,
      teamId: database.teamId,
      image: database.image,
      spec: checked(() => databaseContainer(database.engine, tag, credentials)),
      publicPort: database.publicPort,
      memoryLimitMb: database.memoryLimitMb,
      cpuLimit: database.cpuLimit === null ? null : Number(database.cpuLimit),
    };
  }
}
