import type {
  BackupDestinationCheckDto,
  BackupDestinationDto,
  BackupDestinationKeyDto,
  CreateBackupDestinationRequest,
  UpdateBackupDestinationRequest,
} from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';
import { restResource } from '../../lib/rest-resource';
import { DESTINATIONS } from '../../shared/backups/api';

/** Saving an S3 one writes, reads and deletes a small object first: a 400 carries the storage's own words. Deleting one still holding backups is a 409. */
export const destinationsApi = restResource<BackupDestinationDto, CreateBackupDestinationRequest, UpdateBackupDestinationRequest>(DESTINATIONS);

/** The write-read-delete probe again; a failure is an answer (`ok: false` with the storage's words), not an error. */
export function checkDestination(id: string): Promise<BackupDestinationCheckDto> {
  return apiRequest<BackupDestinationCheckDto>(`${destinationsApi.path(id)}/check`, { method: 'POST' });
}

/** The data key that decrypts its backups without Zpanel (`read:sensitive`, audited). */
export function fetchDestinationKey(id: string): Promise<BackupDestinationKeyDto> {
  return apiRequest<BackupDestinationKeyDto>(`${destinationsApi.path(id)}/key`);
}
