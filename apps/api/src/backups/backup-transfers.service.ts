import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { Injectable, StreamableFile } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Ability,
  AuditAction,
  type BackupDownloadDto,
  type BackupObjectOperation,
  type BackupObjectResult,
  type BackupTransferResult,
  ErrorCode,
  JobName,
  type RestoreDto,
} from '@zpanel/contracts';
import { type AppConfig, AppException, InjectConfig, InjectLogger, SecretBox, createBackupEncoder, openBackupDataKey } from '@zpanel/core';
import {
  type BackupEntity,
  type BackupDestinationEntity,
  type BackupOwner,
  BackupDestinationsRepository,
  BackupsRepository,
  RestoresRepository,
  type TeamScope,
  instanceScope,
} from '@zpanel/database';
import { BytePipeError, BytePipes, JobProducer, enqueueRestoreRun } from '@zpanel/queue';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { Caller } from '../access/caller';
import { type InstanceOperator, InstanceOperatorsService } from '../access/instance-operators.service';
import { TeamAccessService } from '../access/team-access.service';
import { AuditService } from '../audit/audit.service';
import type { UploadRestoreQuery } from './backups.dto';
import { BackupsService, toRestoreDto } from './backups.service';
import { DownloadLinks } from './download-links';
import { DumpChecker } from './dump-format';

/** Short operations on an object answer within this (a presign is local; a delete is one request or one `rm`). */
const OBJECT_TIMEOUT_MS = 30_000;
/** After the last byte went into the pipe, the destination has this long to say the object is stored and checked. */
const STORE_TIMEOUT_MS = 10 * 60_000;
/** How long a download whose pipe failed waits for the worker's answer, which names the failure (a missing object). */
const REFUSAL_GRACE_MS = 5_000;
/** A running upload's row is kept alive this often, like a worker's run: the reaper fails it if the API dies mid-upload. */
const UPLOAD_HEARTBEAT_MS = 2_000;

const codes = { 404: ErrorCode.NotFound, 409: ErrorCode.Conflict, 503: ErrorCode.ServiceUnavailable } as const;
const workerGone = () =>
  new AppException(ErrorCode.WorkerUnavailable, 'The worker did not answer in time: check that it runs and the destination answers');

/** An upload refused for what it holds (not a dump, cut short, too large): a 4xx naming the body, after which nothing of it is kept. */
class UploadRefused extends Error {
  constructor(
    readonly exception: AppException,
    message = exception.message,
  ) {
    super(message);
  }
}

/** A stored object on its way out through a signed link. */
export interface SignedDownload {
  stream: Readable;
  fileName: string;
  sizeBytes: number | null;
}

/** The answer of a signed download route (a team's backup or the instance's): the encrypted object, never cached. */
export function signedDownloadFile(file: SignedDownload, res: Pick<Response, 'setHeader'>): StreamableFile {
  res.setHeader('Cache-Control', 'no-store');
  return new StreamableFile(file.stream, {
    type: 'application/octet-stream',
    disposition: `attachment; filename="${file.fileName}"`,
    ...(file.sizeBytes === null ? {} : { length: file.sizeBytes }),
  });
}

/** Minimal view of the request an upload reads: its body stream and the headers that describe it. */
export interface UploadRequest extends AsyncIterable<Buffer> {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * What moves a backup's bytes, through the worker (docs/backups.md, "Routes"): the API never reaches
 * a bucket or a server. Download URLs (presigned by the worker for S3; for a server directory a link
 * signed here that streams the object from the worker over a Redis byte pipe), removal of a stored
 * object, and uploaded dumps, which are checked and encrypted here as they stream, stored in a
 * destination as a backup with trigger `upload`, then restored from like any backup.
 */
@Injectable()
export class BackupTransfersService {
  private readonly logger: Logger;
  private readonly links: DownloadLinks;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly backupsService: BackupsService,
    private readonly backups: BackupsRepository,
    private readonly restores: RestoresRepository,
    private readonly destinations: BackupDestinationsRepository,
    private readonly access: TeamAccessService,
    private readonly operators: InstanceOperatorsService,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
    private readonly pipes: BytePipes,
    private readonly box: SecretBox,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'backup-transfers' });
    this.links = new DownloadLinks(config.security.secretKey, config.backups.downloadUrlTtlSeconds);
  }

  /** A stored backup of the owner (a team or the instance), with its destination, one of `destinationTeam`'s, still there. */
  private async stored(owner: BackupOwner, destinationTeam: TeamScope, id: string) {
    const backup = await this.backups.getOwned(owner, id);
    if (backup.status !== 'succeeded' || backup.location === null) {
      throw new AppException(ErrorCode.Conflict, `Only a succeeded backup has a stored object; this one is ${backup.status}`);
    }
    const destination = backup.destinationId === null ? null : await this.destinations.find(destinationTeam, backup.destinationId);
    if (!destination) throw new AppException(ErrorCode.Conflict, 'The backup’s destination was deleted, and its object with it');
    return { backup, destination };
  }

  private async objectOperation(operation: BackupObjectOperation): Promise<Extract<BackupObjectResult, { ok: true }>> {
    let result: BackupObjectResult;
    try {
      result = await this.jobs.enqueueAndWait(JobName.BackupObject, operation, OBJECT_TIMEOUT_MS);
    } catch {
      throw workerGone();
    }
    if (!result.ok) throw new AppException(codes[result.status], result.message);
    return result;
  }

  /** A short-lived URL of the stored object; handing it out is audited. */
  downloadUrl(caller: Caller, team: TeamScope, id: string): Promise<BackupDownloadDto> {
    return this.downloadUrlOf(caller, team, team, id);
  }

  /** The same for an instance backup: its link leads to the System route, audited in the first team's log. */
  instanceDownloadUrl(caller: Caller, operator: InstanceOperator, id: string): Promise<BackupDownloadDto> {
    return this.downloadUrlOf(caller, instanceScope(), operator.team, id);
  }

  private async downloadUrlOf(caller: Caller, owner: BackupOwner, team: TeamScope, id: string): Promise<BackupDownloadDto> {
    const { backup, destination } = await this.stored(owner, team, id);
    const ttlSeconds = this.config.backups.downloadUrlTtlSeconds;
    let url: string;
    let expiresAt: Date;
    if (destination.kind === 's3') {
      expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      const presigned = await this.objectOperation({ op: 'presign', teamId: owner.teamId, backupId: id, ttlSeconds });
      if (!presigned.url) throw new AppException(ErrorCode.ServiceUnavailable, 'The destination gave no download URL');
      url = presigned.url;
    } else {
      const signed = await this.links.sign({ backupId: id, teamId: owner.teamId, userId: caller.userId });
      expiresAt = signed.expiresAt;
      // Relative: the same origin as the API the caller reached, whatever proxy stands in front.
      const path = owner.teamId === null ? `/api/v1/system/backups/${id}` : `/api/v1/backups/${id}`;
      url = `${path}/download/file?token=${encodeURIComponent(signed.token)}`;
    }
    await this.dataSource.transaction((manager) =>
      this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.BackupDownloaded,
        target: { type: 'backup', id },
        metadata: {
          sourceKind: backup.sourceKind,
          destinationId: destination.id,
          kind: destination.kind,
          location: backup.location,
          expiresAt: expiresAt.toISOString(),
        },
      }),
    );
    return { url, expiresAt: expiresAt.toISOString(), fileName: this.fileName(backup.id, backup.location as string) };
  }

  private fileName(id: string, location: string): string {
    const base = location.split('/').pop() ?? `${id}.zpbk`;
    return /^[A-Za-z0-9._-]{1,200}$/.test(base) ? base : `${id}.zpbk`;
  }

  /**
   * Serves a signed download link: the link names the backup, its team and who asked; that person
   * must still be in the team with `read`. The object comes from the worker through a byte pipe; the
   * first bytes (or the worker's refusal) are awaited before the answer starts, so a failure is a
   * problem+json, not a cut-off file.
   */
  async openSignedDownload(token: unknown, id: string): Promise<SignedDownload> {
    const grant = await this.links.verify(token, id);
    const teamId = await this.backups.teamOf(id);
    if (grant.teamId === null || teamId !== grant.teamId) throw new AppException(ErrorCode.NotFound, 'No such backup');
    const { team } = await this.access.requireForResource(
      { kind: 'user', userId: grant.userId, sessionId: 'download-link' },
      teamId,
      Ability.Read,
      'backup',
    );
    const { backup, destination } = await this.stored(team, team, id);
    return this.streamStored(backup, destination);
  }

  /** An instance backup's signed link: the person who asked must still be an instance operator; anything else is the same 404. */
  async openInstanceSignedDownload(token: unknown, id: string): Promise<SignedDownload> {
    const grant = await this.links.verify(token, id);
    if (grant.teamId !== null) throw new AppException(ErrorCode.NotFound, 'No such backup');
    const operator = await this.operators.requireOrNotFound({ kind: 'user', userId: grant.userId, sessionId: 'download-link' }, 'backup');
    const { backup, destination } = await this.stored(instanceScope(), operator.team, id);
    return this.streamStored(backup, destination);
  }

  private async streamStored(backup: BackupEntity, destination: BackupDestinationEntity): Promise<SignedDownload> {
    if (destination.kind !== 'server') throw new AppException(ErrorCode.NotFound, 'No such backup download: ask for a new link');

    const pipeId = randomUUID();
    const job = this.jobs.enqueueAndWait(
      JobName.BackupTransfer,
      { op: 'download', teamId: backup.teamId, backupId: backup.id, pipeId },
      STORE_TIMEOUT_MS,
    );
    const frames = this.pipes.read(pipeId);
    // The worker's refusal (no such object, server down) arrives as its result or as an error frame.
    const refused = job.then((result: BackupTransferResult) => (result.ok ? null : result)).catch(() => null);
    let first: IteratorResult<Buffer>;
    try {
      first = await Promise.race([
        frames.next(),
        refused.then((result) => {
          if (result) throw new AppException(codes[result.status], result.message);
          return new Promise<never>(() => undefined);
        }),
      ]);
    } catch (error) {
      await frames.return(undefined);
      if (error instanceof BytePipeError) {
        // The worker fails the pipe just before it answers the job, and its answer says what went wrong:
        // an object missing from the destination is a 404, not a storage outage to retry.
        const answer = await Promise.race([refused, delay(REFUSAL_GRACE_MS, null, { ref: false })]);
        if (answer) throw new AppException(codes[answer.status], answer.message);
        throw new AppException(ErrorCode.ServiceUnavailable, `The backup could not be read: ${error.message}`);
      }
      throw error;
    }
    async function* rest(): AsyncGenerator<Buffer> {
      if (first.done) return;
      yield first.value;
      yield* frames;
    }
    return {
      stream: Readable.from(rest()),
      fileName: this.fileName(backup.id, backup.location as string),
      sizeBytes: backup.sizeBytes === null ? null : Number(backup.sizeBytes),
    };
  }

  /**
   * Removes a backup. A stored object is removed from its destination through the worker, then the
   * row stays as `pruned` (the history keeps it, as retention does); a backup that stored nothing
   * (failed, cancelled) or whose object is already gone (pruned) loses its row. Queued and running
   * ones must be cancelled first; one a restore is reading is kept until that restore ends.
   */
  async remove(caller: Caller, team: TeamScope, id: string): Promise<void> {
    const backup = await this.backups.get(team, id);
    if (backup.status === 'queued' || backup.status === 'running') {
      throw new AppException(ErrorCode.Conflict, `The backup is ${backup.status}: cancel it first`);
    }
    if (await this.restores.activeOfBackup(team, id)) {
      throw new AppException(ErrorCode.Conflict, 'A restore of this backup is queued or running: wait until it finishes');
    }
    const stored = backup.status === 'succeeded' && backup.location !== null && backup.destinationId !== null;
    if (stored) await this.objectOperation({ op: 'delete', teamId: team.teamId, backupId: id });
    await this.dataSource.transaction(async (manager) => {
      if (stored) await this.backups.in(manager).markPrunedInTeam(team, id);
      else await this.backups.in(manager).deleteOwned(team, id);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.BackupDeleted,
        target: { type: 'backup', id },
        metadata: { destinationId: backup.destinationId, location: backup.location, status: backup.status, row: stored ? 'pruned' : 'deleted' },
      });
    });
  }

  /**
   * Restores an uploaded dump over a database (`same`) or into a new one (`new`). Checked before
   * anything is kept: the database's name typed again (`same`) or the new database's name free in its
   * environment (`new`), the destination the team's, the declared size under BACKUP_UPLOAD_MAX_BYTES,
   * and the first bytes a dump of the database's engine. Then the body streams (never whole in memory)
   * through the dump check and the destination's encoder into a byte pipe the worker stores from, as
   * a backup with trigger `upload` (`running`, kept alive here like a worker's run). Once the worker
   * checked the stored object against what was sent, the backup is `succeeded` and the restore from it
   * is queued: `same` takes its safety backup first; `new` first creates its database (only now, so a
   * refused upload leaves none). Anything refused or failed on the way leaves no backup row, no object
   * and no database.
   */
  async upload(caller: Caller, team: TeamScope, databaseId: string, query: UploadRestoreQuery, request: UploadRequest) {
    const max = this.config.backups.uploadMaxBytes;
    const type = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (type !== 'application/octet-stream') {
      throw AppException.validation([{ field: 'body', message: 'body must be the dump file itself, sent as application/octet-stream' }]);
    }
    const declared = request.headers['content-length'] === undefined ? null : Number(request.headers['content-length']);
    if (declared !== null && declared > max) throw tooLarge(max);

    const actor = await this.backupsService.actorOf(caller);
    const prepared = await this.dataSource.transaction(async (manager) => {
      const source = await this.backupsService.lockDatabase(manager, team, databaseId);
      if (source.kind !== 'database') throw new AppException(ErrorCode.NotFound, 'No such database');
      if (query.target === 'same' && query.confirmName !== source.name) {
        throw AppException.validation([
          { field: 'confirmName', message: `confirmName must be the name of the database it overwrites, ${source.name}, typed again` },
        ]);
      }
      const destination = await this.backupsService.requireDestination(manager, team, query.destinationId);
      if (query.target === 'same' && (await this.restores.in(manager).activeInto(team, databaseId))) {
        throw new AppException(ErrorCode.Conflict, 'A restore into this database is already queued or running: wait until it finishes');
      }
      return { source, destination };
    });
    const { source, destination } = prepared;
    const newDatabaseName = query.target === 'new' ? (query.newDatabaseName as string) : null;
    if (newDatabaseName !== null) await this.backupsService.assertNewDatabaseNameFree(team, source.environmentId, newDatabaseName);
    const sealed = await this.destinations.sealedKeys(team, destination.id);
    if (!sealed)
      throw AppException.validation([{ field: 'destinationId', message: 'destinationId must be the id of one of the team’s backup destinations' }]);
    const dataKey = openBackupDataKey(this.box, destination.id, sealed.dataKey);

    const checker = new DumpChecker(source.engine ?? 'postgresql');
    const body = request[Symbol.asyncIterator]();
    // The start is judged before any row exists: not a dump, nothing created.
    const head: Buffer[] = [];
    let bodyDone = false;
    while (!checker.headSeen) {
      const next = await body.next().catch(() => ({ done: true, value: undefined }) as IteratorResult<Buffer>);
      if (next.done) {
        bodyDone = true;
        break;
      }
      head.push(next.value);
      checker.feed(next.value);
      if (checker.bytes > max) throw tooLarge(max);
    }
    const headProblem = bodyDone ? checker.finishProblem() : checker.headProblem();
    if (headProblem) throw AppException.validation([{ field: 'body', message: `body ${headProblem}` }]);

    const backup = await this.dataSource.transaction(async (manager) => {
      const row = await this.backups.in(manager).addUploading(team, {
        sourceKind: 'database',
        databaseId,
        volumeId: null,
        serverId: source.serverId,
        destinationId: destination.id,
        trigger: 'upload',
        verifyAfterBackup: false,
        engine: source.engine,
        image: source.image,
        ...actor,
      });
      return row;
    });
    const heartbeat = setInterval(() => void this.backups.heartbeat(team, backup.id).catch(() => undefined), UPLOAD_HEARTBEAT_MS);
    heartbeat.unref();
    const pipeId = randomUUID();
    const sent = createHash('sha256');
    let sentBytes = 0;
    // Set once the worker said it stored an object: only then is there one to remove on a later failure.
    let storedObject = false;
    try {
      const stored = this.jobs
        .enqueueAndWait(JobName.BackupTransfer, { op: 'upload', teamId: team.teamId, backupId: backup.id, pipeId }, STORE_TIMEOUT_MS + 24 * 3_600_000)
        .catch((): BackupTransferResult => ({ ok: false, status: 503, message: 'The worker did not store the upload in time' }));
      async function* plain(): AsyncGenerator<Buffer> {
        yield* head;
        if (bodyDone) return finish();
        for (;;) {
          let next: IteratorResult<Buffer>;
          try {
            next = await body.next();
          } catch {
            throw new UploadRefused(
              AppException.validation([{ field: 'body', message: 'body is truncated: the upload ended before the length it announced' }]),
            );
          }
          if (next.done) return finish();
          checker.feed(next.value);
          if (checker.bytes > max) throw new UploadRefused(tooLarge(max));
          yield next.value;
        }
      }
      function finish(): void {
        const problem = checker.finishProblem();
        if (problem) throw new UploadRefused(AppException.validation([{ field: 'body', message: `body ${problem}` }]));
      }
      const encoder = createBackupEncoder({ dataKey, compression: 'gzip' });
      const encoded = async function* (): AsyncGenerator<Buffer> {
        const piping = pipeline(Readable.from(plain()), encoder);
        piping.catch(() => undefined);
        for await (const chunk of encoder as AsyncIterable<Buffer>) {
          sent.update(chunk);
          sentBytes += chunk.length;
          yield chunk;
        }
        await piping;
      };
      await this.pipes.write(pipeId, encoded());
      const result = await stored;
      const sha256 = sent.digest('hex');
      if (!result.ok) throw new AppException(codes[result.status], `The upload could not be stored: ${result.message}`);
      storedObject = true;
      if (result.sizeBytes !== sentBytes || result.sha256 !== sha256) {
        throw new AppException(
          ErrorCode.ServiceUnavailable,
          'The destination does not hold what was sent (size or SHA-256 differ): nothing was restored',
        );
      }
      clearInterval(heartbeat);
      // Created only once the upload is stored; a failure from here on removes the upload as any other.
      const into =
        newDatabaseName === null
          ? { databaseId, serverId: source.serverId }
          : await this.backupsService
              .createRestoreDatabase(caller, team, {
                environmentId: source.environmentId,
                serverId: source.serverId,
                name: newDatabaseName,
                engine: source.engine,
                image: source.image,
              })
              .then((created) => ({ databaseId: created.id, serverId: created.serverId }));
      const restore = await this.dataSource.transaction(async (manager) => {
        await this.backups
          .in(manager)
          .markUploaded(team, backup.id, { sizeBytes: sentBytes, dumpBytes: checker.bytes, sha256, compression: 'gzip', dataKeyId: encoder.keyId });
        const queued = await this.restores.in(manager).addQueued(team, {
          backupId: backup.id,
          sourceKind: 'database',
          target: query.target,
          databaseId: into.databaseId,
          volumeId: null,
          serverId: into.serverId,
          ...actor,
        });
        if (!queued) throw new AppException(ErrorCode.Conflict, 'A restore into this database is already queued or running: wait until it finishes');
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.BackupUploaded,
          target: { type: 'backup', id: backup.id },
          metadata: { databaseId, destinationId: destination.id, bytes: checker.bytes, sha256 },
        });
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.RestoreRequested,
          target: { type: 'restore', id: queued.id },
          metadata: { backupId: backup.id, target: query.target, databaseId: into.databaseId, volumeId: null, upload: true },
        });
        return queued;
      });
      const dto: RestoreDto = toRestoreDto(restore);
      await this.backupsService.dispatch(() => enqueueRestoreRun(this.jobs, restore.id), { restoreId: restore.id });
      return dto;
    } catch (error) {
      clearInterval(heartbeat);
      // Nothing half-kept: the worker aborts its put when the pipe fails; an object it did store is removed with the row.
      await this.discardUpload(team, backup.id, storedObject);
      if (error instanceof UploadRefused) throw error.exception;
      if (error instanceof BytePipeError) throw new AppException(ErrorCode.ServiceUnavailable, `The upload could not be stored: ${error.message}`);
      throw error;
    }
  }

  private async discardUpload(team: TeamScope, backupId: string, mayHaveObject: boolean): Promise<void> {
    if (mayHaveObject) {
      await this.objectOperation({ op: 'delete', teamId: team.teamId, backupId }).catch((error: unknown) =>
        this.logger.warn({ err: error, backupId }, 'an uploaded object could not be removed'),
      );
    }
    await this.backups
      .deleteOwned(team, backupId)
      .catch((error: unknown) => this.logger.warn({ err: error, backupId }, 'an upload’s row could not be removed'));
  }
}

function tooLarge(max: number): AppException {
  return new AppException(ErrorCode.PayloadTooLarge, `The dump is larger than ${max} bytes (BACKUP_UPLOAD_MAX_BYTES)`, [
    { field: 'body', message: `body must be at most ${max} bytes (BACKUP_UPLOAD_MAX_BYTES)` },
  ]);
}
