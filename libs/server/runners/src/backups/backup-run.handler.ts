import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type BackupStatus, JobName, type JobPayload, type JobResult, LiveTopics } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger } from '@zpanel/core';
import { type BackupEntity, BackupsRepository } from '@zpanel/database';
import { HandlesJob, type JobContext, type JobHandler, LiveStreams, WORKER_ID } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { type LeaseTimings, RunLease, RunLeaseStore, backupRuns } from '../run-lease';
import { backupObjectKey } from './backup-object-key';
import { BackupResources, type OpenDestination, type OpenSource } from './backup-resources';
import { type BackupOutcome, BackupRunner, backupFailure } from './backup-runner';
import { BackupFollowUps } from './backup-follow-ups';
import { RunChannel } from './run-channel';
import { EventNotifications } from '../notifications/event-notifications';

export interface BackupRunTimings extends LeaseTimings {
  /** Log lines are batched this long into one live event. */
  logBatchMs: number;
  /** How often a backup waiting for a free slot on its server tries its claim again. */
  busyPollMs: number;
}

export const BACKUP_RUN_TIMINGS: BackupRunTimings = { heartbeatMs: 3_000, cancelPollMs: 1_000, logBatchMs: 100, busyPollMs: 1_000 };

const PG_UNIQUE_VIOLATION = '23505';

/**
 * Runs one backup (docs/backups.md, "How a backup runs") under the run lease: claimed once, and only
 * while its server has a free slot (BACKUP_CONCURRENCY_PER_SERVER; a busy one waits, polling); a
 * heartbeat the reaper watches; cancel, the schedule's timeout and the worker's stop abort it. The
 * pipeline is `BackupRunner`; what follows a success (the verification restore, retention, the
 * schedule's missed mark) is `BackupFollowUps`.
 */
@Injectable()
@HandlesJob(JobName.BackupRun)
export class BackupRunHandler implements JobHandler<JobName.BackupRun> {
  private readonly logger: Logger;
  private readonly lease: RunLease;
  /** Replaced by tests that cannot wait seconds. */
  timings: BackupRunTimings;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly backups: BackupsRepository,
    private readonly resources: BackupResources,
    private readonly followUps: BackupFollowUps,
    private readonly live: LiveStreams,
    @InjectConfig() config: AppConfig,
    @InjectLogger() logger: Logger,
    @Inject(WORKER_ID) workerId: string,
    private readonly notifications: EventNotifications,
  ) {
    this.logger = logger.child({ component: 'backup-runs' });
    this.timings = { ...BACKUP_RUN_TIMINGS, heartbeatMs: config.runs.heartbeatMs };
    const kind = backupRuns(config.backups.concurrencyPerServer);
    this.lease = new RunLease(new RunLeaseStore(dataSource, kind), workerId, () => this.timings, this.logger, kind.whenGone);
  }

  async handle({ backupId }: JobPayload<JobName.BackupRun>, context: JobContext): Promise<JobResult<JobName.BackupRun>> {
    const status = await this.runQueued(backupId, context.signal);
    return status === null ? { ran: false } : { ran: true, status };
  }

  /**
   * Claims the queued backup (waiting for a slot on its server) and runs it to its end; null when there
   * was nothing to run (cancelled, already run, deleted) or `workerSignal` stopped the wait (the row
   * stays queued and the reaper queues it again). A restore's safety backup is run through here too.
   */
  async runQueued(backupId: string, workerSignal: AbortSignal): Promise<BackupStatus | null> {
    if (!(await this.waitForClaim(backupId, workerSignal))) return null;
    const backup = await this.backups.findByIdAcrossTeams(backupId);
    if (!backup) return null;
    return this.run(backup, workerSignal);
  }

  private async run(backup: BackupEntity, workerSignal: AbortSignal): Promise<BackupStatus> {
    const channel = new RunChannel(this.live, LiveTopics.backup(backup.id), this.logger, this.timings.logBatchMs);
    const held = this.lease.hold(backup.id, {
      workerSignal,
      timeoutMs: backup.timeoutMinutes * 60_000,
      progress: () => channel.progress(),
    });
    await channel.send({ type: 'status', status: 'running', reason: null, reasonCode: null });
    channel.start();
    let outcome: BackupOutcome;
    let source: OpenSource | null = null;
    let destination: OpenDestination | null = null;
    const startedAt = backup.startedAt ?? new Date();
    try {
      destination = await this.resources.destination(backup.destinationId);
      source = await this.openSource(backup, channel);
      const key = backupObjectKey({
        teamId: backup.teamId,
        sourceKind: backup.sourceKind,
        sourceId: backup.databaseId ?? backup.volumeId,
        backupId: backup.id,
        at: startedAt,
      });
      outcome = await new BackupRunner(channel.log).run(
        source.access,
        {
          key,
          destinationName: destination.destination.name,
          store: destination.store,
          encoder: destination.encoder,
          compression: 'zstd',
          dataKeyId: destination.dataKeyId,
          metadata: { 'zpanel-backup-id': backup.id, 'zpanel-source': backup.sourceKind, 'zpanel-key-id': destination.dataKeyId },
        },
        held.signal,
      );
    } catch (error) {
      // Before the pipeline: a source, destination or server that is gone, or Zpanel's own failure.
      const verdict = backupFailure(error, held.signal, destination?.destination.name ?? 'the destination');
      const reason = channel.log.redact(verdict.reason);
      channel.log.write(reason);
      outcome = { status: verdict.status, reason, reasonCode: verdict.code, inventory: null, internal: verdict.internal };
    } finally {
      held.release();
      source?.release();
    }
    if (outcome.status !== 'succeeded' && outcome.internal !== undefined) {
      this.logger.error({ err: outcome.internal, backupId: backup.id }, 'backup failed unexpectedly');
    }
    await channel.stop();

    const verify = outcome.status === 'succeeded' && backup.verifyAfterBackup;
    const fields =
      outcome.status === 'succeeded'
        ? {
            status: outcome.status,
            reason: null,
            reasonCode: null,
            engine: source?.engine ?? null,
            image: source?.image ?? null,
            sizeBytes: String(outcome.stored.sizeBytes),
            dumpBytes: String(outcome.stored.dumpBytes),
            sha256: outcome.stored.sha256,
            compression: outcome.stored.compression,
            location: outcome.stored.location,
            dataKeyId: outcome.stored.dataKeyId,
            inventory: outcome.stored.inventory,
            verification: verify ? ('pending' as const) : ('none' as const),
          }
        : {
            status: outcome.status,
            reason: outcome.reason,
            reasonCode: outcome.reasonCode,
            engine: source?.engine ?? null,
            image: source?.image ?? null,
            inventory: outcome.inventory,
          };
    const finished = await this.lease.finish(backup.id, { ...fields, log: channel.log.text });
    if (!finished) {
      // The reaper failed it already (this worker looked dead) and said so live; what it stored goes.
      if (outcome.status === 'succeeded' && destination) await destination.store.delete(outcome.stored.location).catch(() => undefined);
      destination?.release();
      return (await this.backups.findByIdAcrossTeams(backup.id))?.status ?? 'failed';
    }
    await channel.send({
      type: 'status',
      status: outcome.status,
      reason: outcome.status === 'succeeded' ? null : outcome.reason,
      reasonCode: outcome.status === 'succeeded' ? null : outcome.reasonCode,
    });
    this.logger.info(
      { backupId: backup.id, status: outcome.status, reasonCode: outcome.status === 'succeeded' ? null : outcome.reasonCode },
      'backup finished',
    );
    // A safety backup or an uploaded dump is part of a restore, which restore.finished reports; a cancel was asked for.
    if (backup.trigger === 'schedule' || backup.trigger === 'manual') {
      const facts = { ...backup, destinationName: destination?.destination.name ?? null };
      if (outcome.status === 'succeeded')
        await this.notifications.backupSucceeded(backup, { ...facts, sizeBytes: outcome.stored.sizeBytes, verifying: verify });
      else if (outcome.status === 'failed')
        await this.notifications.backupFailed(backup, { ...facts, reason: outcome.reason, reasonCode: outcome.reasonCode });
    }
    try {
      if (outcome.status === 'succeeded' && destination) {
        const before = channel.log.version;
        await this.followUps.afterSuccess({ ...backup, ...fields }, destination, verify, channel.log);
        if (channel.log.version !== before) {
          await this.backups.saveLog(backup.id, channel.log.text);
          await channel.stop();
        }
      }
    } catch (error) {
      this.logger.error({ err: error, backupId: backup.id }, 'what follows a backup failed');
    } finally {
      destination?.release();
    }
    return outcome.status;
  }

  private openSource(backup: BackupEntity, channel: RunChannel): Promise<OpenSource> {
    if (backup.sourceKind === 'database') return this.resources.database(backup.teamId, backup.databaseId, channel.log, { mustRun: true });
    if (backup.sourceKind === 'volume') return this.resources.volume(backup.teamId, backup.volumeId);
    return Promise.resolve(this.resources.instance());
  }

  /** Claims the backup, waiting while its server's slots are all taken; false when there is nothing to run or the worker stops first. */
  private async waitForClaim(backupId: string, signal: AbortSignal): Promise<boolean> {
    for (;;) {
      try {
        if (await this.lease.claim(backupId)) return true;
      } catch (error) {
        // Two workers took the same free slot at once: the unique index let one through.
        if ((error as { code?: string }).code !== PG_UNIQUE_VIOLATION) throw error;
      }
      const row = await this.backups.findByIdAcrossTeams(backupId);
      if (row?.status !== 'queued' || signal.aborted) return false;
      await sleep(this.timings.busyPollMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
