import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type BackupTransferResult, ErrorCode } from '@zpanel/contracts';
import { AppException, SecretBox, newBackupDataKey, sealBackupDataKey } from '@zpanel/core';
import type { TeamScope } from '@zpanel/database';
import { BytePipeError } from '@zpanel/queue';
import { BackupTransfersService } from './backup-transfers.service';
import { DownloadLinks } from './download-links';

/** The service with only what a signed download touches: a stored backup in a server directory, and the worker's job and pipe as given. */
function serviceFor(worker: { answer: () => Promise<BackupTransferResult>; frames: () => AsyncGenerator<Buffer> }) {
  const secretKey = randomBytes(32);
  const grant = { backupId: randomUUID(), teamId: randomUUID(), userId: randomUUID() };
  const backup = {
    id: grant.backupId,
    teamId: grant.teamId,
    status: 'succeeded',
    location: `${grant.teamId}/x.zpbk`,
    destinationId: randomUUID(),
    sizeBytes: '10',
  };
  const logger = { child: () => logger };
  const service = new BackupTransfersService(
    {} as never,
    {} as never,
    { teamOf: async () => grant.teamId, getOwned: async () => backup } as never,
    {} as never,
    { find: async () => ({ id: backup.destinationId, kind: 'server' }) } as never,
    { requireForResource: async () => ({ team: { teamId: grant.teamId } }) } as never,
    {} as never,
    {} as never,
    { enqueueAndWait: worker.answer } as never,
    { read: worker.frames } as never,
    {} as never,
    { security: { secretKey }, backups: { downloadUrlTtlSeconds: 300 } } as never,
    logger as never,
  );
  return { service, grant, links: new DownloadLinks(secretKey, 300) };
}

/** A custom-format archive's shape (dump-format.spec.ts): PGDMP, its header, a body, the zero-length last block. */
const pgDump = () =>
  Buffer.concat([Buffer.from('PGDMP'), Buffer.from([1, 14, 0, 4, 8, 1]), Buffer.from('x'.repeat(3000)), Buffer.from([0x01, 0x02]), Buffer.alloc(5)]);

/**
 * The service with what an upload touches: the database `orders` in an environment, a destination,
 * and a worker that stores whatever reaches the pipe; `calls` records, in order, what was done.
 */
function uploadServiceFor(options: { nameTaken?: boolean; createFails?: boolean }) {
  const team = { teamId: randomUUID() } as unknown as TeamScope;
  const box = new SecretBox(randomBytes(32));
  const destination = { id: randomUUID(), kind: 's3' };
  const database = {
    kind: 'database',
    id: randomUUID(),
    name: 'orders',
    environmentId: randomUUID(),
    serverId: randomUUID(),
    engine: 'postgresql',
    image: 'postgres:15',
  };
  const calls: string[] = [];
  let stored: (result: BackupTransferResult) => void = () => undefined;
  const manager = {};
  const backupsService = {
    actorOf: async () => ({ userId: 'u', tokenId: null, actorName: 'Ann' }),
    lockDatabase: async () => database,
    requireDestination: async () => destination,
    assertNewDatabaseNameFree: async (_team: unknown, environmentId: string, name: string) => {
      calls.push(`name free? ${name} in ${environmentId === database.environmentId ? 'its environment' : 'another'}`);
      if (options.nameTaken) throw new AppException(ErrorCode.Conflict, 'taken', [{ field: 'name', message: `name ${name} is taken` }]);
    },
    createRestoreDatabase: async (_caller: unknown, _team: unknown, input: { name: string; serverId: string; engine: string; image: string }) => {
      calls.push(`create ${input.name} (${input.engine}, ${input.image}, same server: ${input.serverId === database.serverId})`);
      if (options.createFails) throw new AppException(ErrorCode.Conflict, 'taken meanwhile', [{ field: 'name', message: 'name is taken' }]);
      return { id: 'db-new', serverId: input.serverId };
    },
    dispatch: async () => calls.push('dispatch'),
  };
  const backupRows = {
    in: () => ({
      addUploading: async () => (calls.push('backup row'), { id: 'backup-1' }),
      markUploaded: async () => calls.push('uploaded'),
    }),
    heartbeat: async () => undefined,
    deleteOwned: async () => calls.push('backup row removed'),
  };
  const restores = {
    in: () => ({
      activeInto: async () => null,
      addQueued: async (_team: unknown, row: { target: string; databaseId: string }) => {
        calls.push(`restore ${row.target} into ${row.databaseId === database.id ? 'the upload’s database' : row.databaseId}`);
        return { id: 'restore-1', ...row, createdAt: new Date(), startedAt: null, finishedAt: null };
      },
    }),
  };
  const jobs = {
    enqueueAndWait: (_name: string, payload: { op: string }) => {
      if (payload.op === 'delete') return Promise.resolve(calls.push('object removed')).then(() => ({ ok: true }));
      return new Promise<BackupTransferResult>((resolve) => (stored = resolve));
    },
  };
  const pipes = {
    write: async (_id: string, frames: AsyncIterable<Buffer>) => {
      const hash = createHash('sha256');
      let size = 0;
      for await (const frame of frames) {
        hash.update(frame);
        size += frame.length;
      }
      calls.push('object stored');
      stored({ ok: true, sizeBytes: size, sha256: hash.digest('hex') } as BackupTransferResult);
    },
  };
  const logger = { child: () => logger, warn: () => undefined };
  const service = new BackupTransfersService(
    { transaction: (work: (m: unknown) => Promise<unknown>) => work(manager) } as never,
    backupsService as never,
    backupRows as never,
    restores as never,
    { sealedKeys: async () => ({ dataKey: sealBackupDataKey(box, destination.id, newBackupDataKey()) }) } as never,
    {} as never,
    {} as never,
    { recordInTeam: async (_m: unknown, _t: unknown, _c: unknown, event: { action: string }) => calls.push(`audit ${event.action}`) } as never,
    jobs as never,
    pipes as never,
    box,
    { security: { secretKey: randomBytes(32) }, backups: { downloadUrlTtlSeconds: 300, uploadMaxBytes: 1_000_000 } } as never,
    logger as never,
  );
  const body = (bytes: Buffer) =>
    Object.assign(
      (async function* () {
        yield bytes.subarray(0, 100);
        yield bytes.subarray(100);
      })(),
      { headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) } },
    );
  const upload = (query: { target: 'same' | 'new'; confirmName?: string; newDatabaseName?: string }, bytes = pgDump()) =>
    service.upload({ kind: 'user', userId: 'u', sessionId: 's' }, team, database.id, { destinationId: destination.id, ...query }, body(bytes));
  return { upload, calls };
}

const failingPipe = (message: string) =>
  async function* (): AsyncGenerator<Buffer> {
    throw new BytePipeError(message, 'remote-error');
  };

describe(BackupTransfersService.name, () => {
  describe('openSignedDownload', () => {
    it('answers with the worker’s status when it failed the pipe: a missing object is a 404, not a 503', async () => {
      const message = 'abc.zpbk does not exist on db-1';
      const { service, grant, links } = serviceFor({ answer: async () => ({ ok: false, status: 404, message }), frames: failingPipe(message) });
      const { token } = await links.sign(grant);
      await expect(service.openSignedDownload(token, grant.backupId)).rejects.toMatchObject({ code: 'not_found', message });
    });

    it('is a 503 naming the pipe’s failure when the worker gives no answer', async () => {
      const { service, grant, links } = serviceFor({ answer: () => Promise.reject(new Error('job timed out')), frames: failingPipe('stalled') });
      const { token } = await links.sign(grant);
      await expect(service.openSignedDownload(token, grant.backupId)).rejects.toMatchObject({
        code: 'service_unavailable',
        message: 'The backup could not be read: stalled',
      });
    });
  });

  describe('upload into a new database', () => {
    it('checks the name first, creates the database in the upload’s environment and server only once the upload is stored, then queues the restore into it', async () => {
      const { upload, calls } = uploadServiceFor({});
      await expect(upload({ target: 'new', newDatabaseName: 'orders-copy' })).resolves.toMatchObject({ target: 'new', databaseId: 'db-new' });
      expect(calls).toEqual([
        'name free? orders-copy in its environment',
        'backup row',
        'object stored',
        'create orders-copy (postgresql, postgres:15, same server: true)',
        'uploaded',
        'restore new into db-new',
        'audit backup.uploaded',
        'audit restore.requested',
        'dispatch',
      ]);
    });

    it('refuses a taken name before anything is read or kept', async () => {
      const { upload, calls } = uploadServiceFor({ nameTaken: true });
      await expect(upload({ target: 'new', newDatabaseName: 'orders' })).rejects.toMatchObject({ errors: [{ field: 'name' }] });
      expect(calls).toEqual(['name free? orders in its environment']);
    });

    it('removes the stored upload when the database cannot be created after all (a name taken meanwhile)', async () => {
      const { upload, calls } = uploadServiceFor({ createFails: true });
      await expect(upload({ target: 'new', newDatabaseName: 'orders-copy' })).rejects.toMatchObject({ errors: [{ field: 'name' }] });
      expect(calls.slice(1)).toEqual([
        'backup row',
        'object stored',
        'create orders-copy (postgresql, postgres:15, same server: true)',
        'object removed',
        'backup row removed',
      ]);
    });

    it('still restores over the same database, with no database created and no name checked, once its name is typed', async () => {
      const { upload, calls } = uploadServiceFor({});
      await expect(upload({ target: 'same', confirmName: 'orders' })).resolves.toMatchObject({ target: 'same' });
      expect(calls.filter((c) => c.startsWith('create') || c.startsWith('name') || c.startsWith('restore'))).toEqual([
        'restore same into the upload’s database',
      ]);
      await expect(upload({ target: 'same', confirmName: 'order' })).rejects.toMatchObject({ errors: [{ field: 'confirmName' }] });
    });
  });
});
