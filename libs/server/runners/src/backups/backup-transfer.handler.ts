import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { JobName, type JobPayload, type JobResult } from '@zpanel/contracts';
import { InjectLogger, ReasonError, SecretBox } from '@zpanel/core';
import { type BackupEntity, BackupDestinationsRepository, BackupsRepository, teamScope } from '@zpanel/database';
import { BytePipes, HandlesJob, type JobContext, type JobHandler } from '@zpanel/queue';
import { type ObjectStore, StorageError } from '@zpanel/remote';
import type { Logger } from 'pino';
import { backupObjectKey } from './backup-object-key';
import { DestinationStores, type OpenedStore, destinationSettingsOf } from './destination-stores';

type Failure = { ok: false; status: 404 | 409 | 503; message: string };

/** Words for the person: a storage's own, a reason's, or a plain failure. */
function failure(error: unknown): Failure {
  if (error instanceof StorageError) return { ok: false, status: error.code === 'not-found' ? 404 : 503, message: error.message };
  if (error instanceof ReasonError) return { ok: false, status: 503, message: error.reason };
  return { ok: false, status: 503, message: error instanceof Error ? error.message : String(error) };
}

/** What the worker needs to open a backup's destination. */
interface StoreDeps {
  backups: BackupsRepository;
  destinations: BackupDestinationsRepository;
  stores: DestinationStores;
  box: SecretBox;
}

/**
 * The backup named by an API job, with its destination's store (close it when done). The team in the
 * payload must be the backup's (the API checked access; the worker does not trust a job to name
 * another team's row); null names an instance backup, whose destination is one of the first team's,
 * as the API checked when the backup was asked for.
 */
async function openBackup(
  deps: StoreDeps,
  teamId: string | null,
  backupId: string,
): Promise<{ backup: BackupEntity; opened: OpenedStore } | Failure> {
  const backup = await deps.backups.findByIdAcrossTeams(backupId);
  if (!backup || backup.teamId !== teamId) return { ok: false, status: 404, message: 'No such backup' };
  const destination = backup.destinationId === null ? null : await deps.destinations.findByIdAcrossTeams(backup.destinationId);
  if (!destination || (teamId !== null && destination.teamId !== teamId))
    return { ok: false, status: 409, message: 'The backup’s destination was deleted' };
  const sealed = await deps.destinations.sealedKeys(teamScope(destination.teamId), destination.id);
  const opened = await deps.stores.open(destinationSettingsOf(destination, sealed?.secretAccessKey ?? null, deps.box), destination.teamId);
  return { backup, opened };
}

/** `backup.object`: a presigned URL of a stored backup (S3), or the removal of its object, for the waiting API request. */
@Injectable()
@HandlesJob(JobName.BackupObject)
export class BackupObjectHandler implements JobHandler<JobName.BackupObject> {
  constructor(
    readonly backups: BackupsRepository,
    readonly destinations: BackupDestinationsRepository,
    readonly stores: DestinationStores,
    readonly box: SecretBox,
  ) {}

  async handle(operation: JobPayload<JobName.BackupObject>): Promise<JobResult<JobName.BackupObject>> {
    let destination: OpenedStore | undefined;
    try {
      const opened = await openBackup(this, operation.teamId, operation.backupId);
      if ('ok' in opened) return opened;
      const { backup } = opened;
      destination = opened.opened;
      if (backup.location === null)
        return operation.op === 'delete' ? { ok: true } : { ok: false, status: 409, message: 'The backup stored nothing' };
      if (operation.op === 'delete') {
        await destination.store.delete(backup.location);
        return { ok: true };
      }
      const url = await destination.store.presignedGetUrl(backup.location, operation.ttlSeconds);
      return url ? { ok: true, url } : { ok: false, status: 409, message: 'This destination has no presigned URLs' };
    } catch (error) {
      return failure(error);
    } finally {
      destination?.close();
    }
  }
}

/**
 * `backup.transfer`: the bytes of a backup between the API and its destination, through a byte pipe.
 * `upload`: what the API writes (an uploaded dump it checked and encrypted) goes to the backup's key,
 * streamed with constant memory; a pipe that fails (a refused or cut upload, an API gone) aborts the
 * put, so nothing half-stored stays. Answered with the size and SHA-256 the store checked, which the
 * API compares with what it sent. `download`: the stored object into the pipe, for the API to send on.
 */
@Injectable()
@HandlesJob(JobName.BackupTransfer)
export class BackupTransferHandler implements JobHandler<JobName.BackupTransfer> {
  private readonly logger: Logger;

  constructor(
    readonly backups: BackupsRepository,
    readonly destinations: BackupDestinationsRepository,
    readonly stores: DestinationStores,
    readonly box: SecretBox,
    private readonly pipes: BytePipes,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'backup-transfers' });
  }

  async handle(operation: JobPayload<JobName.BackupTransfer>, context: JobContext): Promise<JobResult<JobName.BackupTransfer>> {
    let opened: Awaited<ReturnType<typeof openBackup>>;
    try {
      opened = await openBackup(this, operation.teamId, operation.backupId);
    } catch (error) {
      opened = failure(error);
    }
    if ('ok' in opened) {
      // The API waits on the pipe too: tell it there, not only in the result.
      await this.pipes.fail(operation.pipeId, opened.message).catch(() => undefined);
      return opened;
    }
    const { backup, opened: destination } = opened;
    try {
      return operation.op === 'upload'
        ? await this.upload(backup, destination.store, operation.pipeId, context.signal)
        : await this.download(backup, destination.store, operation.pipeId, context.signal);
    } finally {
      destination.close();
    }
  }

  private async upload(backup: BackupEntity, store: ObjectStore, pipeId: string, signal: AbortSignal): Promise<JobResult<JobName.BackupTransfer>> {
    if (backup.trigger !== 'upload' || backup.status !== 'running' || backup.databaseId === null) {
      return { ok: false, status: 409, message: 'The backup is not an upload in progress' };
    }
    const key = backupObjectKey({
      teamId: backup.teamId,
      sourceKind: 'database',
      sourceId: backup.databaseId,
      backupId: backup.id,
      at: backup.createdAt,
    });
    await this.backups.recordLocation(backup.id, key);
    try {
      const body = Readable.from(this.pipes.read(pipeId, { signal }));
      const put = await store.put(key, body, { signal, metadata: { 'zpanel-backup-id': backup.id } });
      return { ok: true, sizeBytes: put.sizeBytes, sha256: put.sha256 };
    } catch (error) {
      this.logger.info({ backupId: backup.id, err: error }, 'upload not stored');
      return failure(error);
    }
  }

  private async download(backup: BackupEntity, store: ObjectStore, pipeId: string, signal: AbortSignal): Promise<JobResult<JobName.BackupTransfer>> {
    if (backup.location === null) {
      await this.pipes.fail(pipeId, 'The backup stored nothing').catch(() => undefined);
      return { ok: false, status: 409, message: 'The backup stored nothing' };
    }
    try {
      const object = await store.get(backup.location, signal);
      const bytes = await this.pipes.write(pipeId, object, { signal });
      return { ok: true, sizeBytes: bytes, sha256: backup.sha256 ?? '' };
    } catch (error) {
      await this.pipes.fail(pipeId, error instanceof Error ? error.message : 'The object could not be read').catch(() => undefined);
      return failure(error);
    }
  }
}
