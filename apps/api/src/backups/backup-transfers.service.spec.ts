import { randomBytes, randomUUID } from 'node:crypto';
import type { BackupTransferResult } from '@zpanel/contracts';
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
});
