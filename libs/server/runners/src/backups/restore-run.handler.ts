import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobName, type JobPayload, type JobResult, LiveTopics, type RestoreStatus } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, ReasonError } from '@zpanel/core';
import { type BackupEntity, BackupsRepository, DatabasesRepository, type RestoreEntity, RestoresRepository, teamScope } from '@zpanel/database';
import { HandlesJob, type JobContext, type JobHandler, LiveStreams, WORKER_ID } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { RESTORE_RUNS, RunLease, RunLeaseStore } from '../run-lease';
import { BackupFollowUps, ownerOf } from './backup-follow-ups';
import { BackupResources, type OpenDestination } from './backup-resources';
import { BackupRunHandler, type BackupRunTimings, BACKUP_RUN_TIMINGS } from './backup-run.handler';
import { type RestoreOutcome, type RestorePlace, RestoreRunner, restoreFailure } from './restore-runner';
import { RunChannel } from './run-channel';
import { EventNotifications } from '../notifications/event-notifications';

/** A place to restore into, and what to undo afterwards (a throwaway container or volume removed, channels closed). */
interface OpenPlace {
  place: RestorePlace;
  close(): Promise<void>;
}

/** How often a restore into a new database looks whether the database's create finished. */
const NEW_DATABASE_POLL_MS = 1_000;

/**
 * Runs one restore (docs/backups.md, "Restores") under the run lease: `verify` into a throwaway
 * container of the backup's engine and image (or a throwaway volume) on the source's server, always
 * removed; `same` over the database or volume after a safety backup (a `backups` row, trigger
 * `safety`, run to success here first, or nothing is restored); `new` into a database the API
 * created, once its create operation has it running. `RestoreRunner` downloads, decodes, restores
 * and compares; a verification's verdict goes on the backup (`verification`, with when and what).
 */
@Injectable()
@HandlesJob(JobName.RestoreRun)
export class RestoreRunHandler implements JobHandler<JobName.RestoreRun> {
  private readonly logger: Logger;
  private readonly lease: RunLease;
  timings: BackupRunTimings;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly restores: RestoresRepository,
    private readonly backups: BackupsRepository,
    private readonly databases: DatabasesRepository,
    private readonly resources: BackupResources,
    private readonly backupRuns: BackupRunHandler,
    private readonly followUps: BackupFollowUps,
    private readonly live: LiveStreams,
    @InjectConfig() config: AppConfig,
    @InjectLogger() logger: Logger,
    @Inject(WORKER_ID) workerId: string,
    private readonly notifications: EventNotifications,
  ) {
    this.logger = logger.child({ component: 'restore-runs' });
    this.timings = { ...BACKUP_RUN_TIMINGS, heartbeatMs: config.runs.heartbeatMs };
    this.lease = new RunLease(new RunLeaseStore(dataSource, RESTORE_RUNS), workerId, () => this.timings, this.logger, RESTORE_RUNS.whenGone);
  }

  async handle({ restoreId }: JobPayload<JobName.RestoreRun>, context: JobContext): Promise<JobResult<JobName.RestoreRun>> {
    if (!(await this.lease.claim(restoreId))) return { ran: false };
    const restore = await this.restores.findByIdAcrossTeams(restoreId);
    if (!restore) return { ran: false };
    return { ran: true, status: await this.run(restore, context.signal) };
  }

  private async run(restore: RestoreEntity, workerSignal: AbortSignal): Promise<RestoreStatus> {
    const channel = new RunChannel(this.live, LiveTopics.restore(restore.id), this.logger, this.timings.logBatchMs);
    const held = this.lease.hold(restore.id, { workerSignal, timeoutMs: restore.timeoutMinutes * 60_000, progress: () => channel.progress() });
    await channel.send({ type: 'status', status: 'running', reason: null, reasonCode: null });
    channel.start();
    let outcome: RestoreOutcome;
    let destination: OpenDestination | null = null;
    let opened: OpenPlace | null = null;
    let backup: BackupEntity | null = null;
    try {
      backup = restore.backupId === null ? null : await this.backups.findByIdAcrossTeams(restore.backupId);
      if (!backup || backup.status !== 'succeeded' || backup.location === null) {
        throw new ReasonError(
          'backup.source_gone',
          backup ? `The backup is ${backup.status}: there is nothing stored to restore.` : 'The backup no longer exists.',
        );
      }
      destination = await this.resources.destination(backup.destinationId);
      opened = await this.openPlace(restore, backup, channel, held.signal);
      outcome = await new RestoreRunner(channel.log).run(
        {
          store: destination.store,
          destinationName: destination.destination.name,
          location: backup.location,
          sha256: backup.sha256,
          sizeBytes: backup.sizeBytes === null ? null : Number(backup.sizeBytes),
          decoder: destination.decoder,
          inventory: backup.inventory,
        },
        opened.place,
        held.signal,
      );
    } catch (error) {
      const verdict = restoreFailure(error, held.signal, destination?.destination.name ?? 'the destination');
      const reason = channel.log.redact(verdict.reason);
      channel.log.write(reason);
      outcome = { status: verdict.status, reason, reasonCode: verdict.code, result: null, verification: 'failed', internal: verdict.internal };
    } finally {
      held.release();
      if (opened) await opened.close();
      destination?.release();
    }
    if (outcome.status !== 'succeeded' && outcome.internal !== undefined) {
      this.logger.error({ err: outcome.internal, restoreId: restore.id }, 'restore failed unexpectedly');
    }
    await channel.stop();
    const finished = await this.lease.finish(restore.id, {
      status: outcome.status,
      reason: outcome.status === 'succeeded' ? null : outcome.reason,
      reasonCode: outcome.status === 'succeeded' ? null : outcome.reasonCode,
      result: outcome.result,
      log: channel.log.text,
    });
    if (!finished) return (await this.restores.findByIdAcrossTeams(restore.id))?.status ?? 'failed';
    if (restore.target === 'verify' && backup) await this.settleVerification(backup.id, outcome);
    await this.notify(restore, backup, outcome);
    await channel.send({
      type: 'status',
      status: outcome.status,
      reason: outcome.status === 'succeeded' ? null : outcome.reason,
      reasonCode: outcome.status === 'succeeded' ? null : outcome.reasonCode,
    });
    this.logger.info({ restoreId: restore.id, target: restore.target, status: outcome.status }, 'restore finished');
    return outcome.status;
  }

  /** A verification that did not verify is backup.unverified; a restore over a source or into a new database is restore.finished. */
  private async notify(restore: RestoreEntity, backup: BackupEntity | null, outcome: RestoreOutcome): Promise<void> {
    if (restore.target === 'verify') {
      if (!backup || outcome.status === 'succeeded') return;
      await this.notifications.backupUnverified(backup, {
        ...backup,
        verification: outcome.verification,
        detail: outcome.reason,
        restoreId: restore.id,
        reasonCode: outcome.reasonCode,
      });
      return;
    }
    // The row as finished (the safety backup it took); its database or volume (a new database: that one), else the backup's.
    const row = (await this.restores.findByIdAcrossTeams(restore.id)) ?? restore;
    const source = row.databaseId || row.volumeId || !backup ? row : backup;
    await this.notifications.restoreFinished(source, {
      id: restore.id,
      target: restore.target,
      status: outcome.status,
      backupId: restore.backupId,
      safetyBackupId: row.safetyBackupId,
      reason: outcome.status === 'succeeded' ? null : outcome.reason,
      reasonCode: outcome.status === 'succeeded' ? null : outcome.reasonCode,
    });
  }

  private async settleVerification(backupId: string, outcome: RestoreOutcome): Promise<void> {
    const verified = outcome.status === 'succeeded';
    await this.backups.settleVerification(backupId, {
      verification: verified ? 'verified' : outcome.verification,
      verificationDetail: verified ? outcome.detail : outcome.reason,
    });
    await this.followUps.afterVerification(backupId, verified);
  }

  private openPlace(restore: RestoreEntity, backup: BackupEntity, channel: RunChannel, signal: AbortSignal): Promise<OpenPlace> {
    if (restore.target === 'verify') return this.scratchPlace(backup, channel, signal);
    if (backup.sourceKind === 'instance') {
      throw new ReasonError(
        'backup.restore_failed',
        "Zpanel's own database is restored onto a fresh install with npm run restore-instance (README).",
      );
    }
    return this.livePlace(restore, backup, channel, signal);
  }

  /** `verify`: a throwaway container of the backup's engine and image (a throwaway volume for a volume), on the source's server. */
  private async scratchPlace(backup: BackupEntity, channel: RunChannel, signal: AbortSignal): Promise<OpenPlace> {
    if (backup.sourceKind === 'instance') {
      const instance = this.resources.instanceSource();
      let restored: Awaited<ReturnType<typeof instance.verify>> | null = null;
      return {
        place: {
          describe: "a throwaway database on Zpanel's PostgreSQL server",
          restore: async (dump, placeSignal) => void (restored = await instance.verify(dump, backup.inventory ?? {}, placeSignal)),
          inventory: async () => restored?.restored ?? {},
        },
        close: async () => undefined,
      };
    }
    const { ops, release } = await this.resources.opsOn(backup.serverId);
    try {
      if (backup.sourceKind === 'volume') {
        const scratch = await ops.startScratchVolume(signal);
        channel.log.write(`Started a throwaway volume ${scratch.name}.`);
        return {
          place: {
            describe: `the throwaway volume ${scratch.name}`,
            restore: (tar, placeSignal) => ops.restoreVolume(scratch.name, tar, placeSignal),
            inventory: (placeSignal) => ops.volumeInventory(scratch.name, placeSignal),
          },
          close: async () => {
            await scratch.remove();
            channel.log.write('Removed the throwaway volume.');
            release();
          },
        };
      }
      if (backup.engine === null || backup.image === null)
        throw new ReasonError('backup.source_gone', 'The backup does not record its engine and image.');
      const source = backup.databaseId === null ? null : await this.databases.findByIdAcrossTeams(backup.databaseId);
      const like = source ? { databaseName: source.databaseName, userName: source.userName } : undefined;
      const scratch = await ops.startScratchDatabase(backup.engine, backup.image, signal, like);
      channel.log.write(`Started a throwaway ${backup.engine} container (${backup.image}).`);
      channel.log.addSecret(scratch.target.password);
      if (scratch.target.rootPassword !== null) channel.log.addSecret(scratch.target.rootPassword);
      return {
        place: {
          describe: `a throwaway ${backup.engine} container (${backup.image})`,
          restore: (dump, placeSignal) => ops.restoreDatabase({ container: scratch.container }, scratch.target, dump, placeSignal),
          inventory: (placeSignal) => ops.inventory({ container: scratch.container }, scratch.target, placeSignal),
        },
        close: async () => {
          await scratch.remove();
          channel.log.write('Removed the throwaway container.');
          release();
        },
      };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** `same` (after a safety backup) or `new` (once the new database runs): the database's or volume's own container. */
  private async livePlace(restore: RestoreEntity, backup: BackupEntity, channel: RunChannel, signal: AbortSignal): Promise<OpenPlace> {
    if (restore.target === 'new') await this.untilRunning(restore, channel, signal);
    if (restore.target === 'same') await this.safetyBackup(restore, backup, channel, signal);
    if (backup.sourceKind === 'volume') {
      const volume = await this.resources.volume(restore.teamId, restore.volumeId);
      return {
        place: {
          describe: `the volume ${volume.volumeName}`,
          restore: (tar, placeSignal) => volume.ops.restoreVolume(volume.volumeName, tar, placeSignal),
          inventory: (placeSignal) => volume.ops.volumeInventory(volume.volumeName, placeSignal),
        },
        close: async () => volume.release(),
      };
    }
    const database = await this.resources.database(restore.teamId, restore.databaseId, channel.log, { mustRun: true });
    if (database.engine !== backup.engine) {
      database.release();
      throw new ReasonError(
        'backup.restore_failed',
        `The backup is of ${backup.engine}; the database ${database.database.name} runs ${database.engine}.`,
      );
    }
    const { ops, database: row } = database;
    return {
      place: {
        describe: `the database ${row.name}`,
        restore: (dump, placeSignal) => ops.restoreDatabase({ databaseId: row.id }, row.target, dump, placeSignal),
        inventory: (placeSignal) => ops.inventory({ databaseId: row.id }, row.target, placeSignal),
      },
      close: async () => database.release(),
    };
  }

  /** `same`: a backup of what is there now, run to success before anything is overwritten. */
  private async safetyBackup(restore: RestoreEntity, backup: BackupEntity, channel: RunChannel, signal: AbortSignal): Promise<void> {
    const safety = await this.backups.addQueued(ownerOf(restore.teamId), {
      sourceKind: backup.sourceKind,
      databaseId: backup.sourceKind === 'database' ? restore.databaseId : null,
      volumeId: backup.sourceKind === 'volume' ? restore.volumeId : null,
      serverId: restore.serverId,
      destinationId: backup.destinationId,
      trigger: 'safety',
      verifyAfterBackup: false,
      timeoutMinutes: restore.timeoutMinutes,
      userId: restore.userId,
      tokenId: restore.tokenId,
      actorName: restore.actorName,
    });
    if (!safety) throw new ReasonError('backup.step_failed', 'The safety backup could not be queued; nothing was restored.');
    await this.restores.noteSafetyBackup(restore.id, safety.id);
    channel.log.write(`Taking a safety backup first (backup ${safety.id}).`);
    const status = await this.backupRuns.runQueued(safety.id, signal);
    const ran = await this.backups.findByIdAcrossTeams(safety.id);
    if (status !== 'succeeded' || !ran) {
      throw new ReasonError(
        ran?.reasonCode ?? 'backup.step_failed',
        `The safety backup ${ran?.status ?? 'did not run'}${ran?.reason ? `: ${ran.reason}` : ''}; nothing was restored.`,
      );
    }
    channel.log.write(`The safety backup succeeded (${ran.location}).`);
  }

  /** `new`: the API created the database and its create operation; restore once it runs. */
  private async untilRunning(restore: RestoreEntity, channel: RunChannel, signal: AbortSignal): Promise<void> {
    channel.log.write('Waiting for the new database to be created.');
    for (;;) {
      const database =
        restore.teamId === null || restore.databaseId === null ? null : await this.databases.find(teamScope(restore.teamId), restore.databaseId);
      if (!database) throw new ReasonError('backup.source_gone', 'The new database no longer exists.');
      if (database.status === 'running') return;
      if (database.status !== 'creating') {
        throw new ReasonError(
          'backup.source_gone',
          `The new database is ${database.status}${database.statusReason ? `: ${database.statusReason}` : ''}.`,
        );
      }
      signal.throwIfAborted();
      await sleep(NEW_DATABASE_POLL_MS, undefined, { signal }).catch(() => undefined);
      signal.throwIfAborted();
    }
  }
}
