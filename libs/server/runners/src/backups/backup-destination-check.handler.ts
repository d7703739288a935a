import { Injectable } from '@nestjs/common';
import { JobName, type JobPayload, type JobResult } from '@zpanel/contracts';
import { SecretBox } from '@zpanel/core';
import { HandlesJob, type JobHandler } from '@zpanel/queue';
import { StorageError } from '@zpanel/remote';
import { type DestinationSettings, DestinationStores } from './destination-stores';

/** A check that has not answered in this time failed: the API is waiting for it. */
export const DESTINATION_CHECK_TIMEOUT_MS = 60_000;

/**
 * `backup-destination.check`: writes, reads back and deletes a small object at a destination whose
 * settings the API is about to save (or was asked to check), and answers in the storage's words.
 * Here because a server directory needs SSH, which only the worker has; S3 goes through the same
 * path so both answer alike. The S3 secret arrives sealed and is opened only here.
 */
@Injectable()
@HandlesJob(JobName.BackupDestinationCheck)
export class BackupDestinationCheckHandler implements JobHandler<JobName.BackupDestinationCheck> {
  constructor(
    private readonly stores: DestinationStores,
    private readonly box: SecretBox,
  ) {}

  async handle(job: JobPayload<JobName.BackupDestinationCheck>): Promise<JobResult<JobName.BackupDestinationCheck>> {
    let settings: DestinationSettings;
    if (job.kind === 's3') {
      let secretAccessKey: string;
      try {
        secretAccessKey = this.box.open(job.sealedSecretAccessKey, job.secretAad);
      } catch {
        // Sealed with another key or for another purpose (its additional data): an API bug, said without the value.
        return { ok: false, message: 'the secret key could not be opened (sealed for another purpose or with an unknown key)' };
      }
      const { endpoint, region, bucket, prefix, forcePathStyle, accessKeyId } = job;
      settings = { kind: 's3', endpoint, region, bucket, prefix, forcePathStyle, accessKeyId, secretAccessKey };
    } else settings = { kind: 'server', serverId: job.serverId, path: job.path };

    const started = Date.now();
    let close = () => undefined as void;
    try {
      const opened = await this.stores.open(settings, job.teamId);
      close = opened.close;
      await opened.store.check(AbortSignal.timeout(DESTINATION_CHECK_TIMEOUT_MS));
      return { ok: true, latencyMs: Date.now() - started };
    } catch (error) {
      if (error instanceof StorageError) return { ok: false, message: error.message };
      if ((error as Error).name === 'TimeoutError')
        return { ok: false, message: `the destination did not answer within ${DESTINATION_CHECK_TIMEOUT_MS / 1000} s` };
      throw error;
    } finally {
      close();
    }
  }
}
