import { randomBytes } from 'node:crypto';
import { keyId, type SecretBox } from '../crypto/secret-box';

/**
 * Each backup destination has its own data key (32 random bytes) that encrypts its backups
 * (backup-archive.ts). It is stored sealed by the instance SecretBox, bound to its destination so a
 * sealed key cannot be pasted onto another one; `keyId` of it is the fingerprint every backup's
 * header carries. Losing the instance key loses these keys: docs/backups.md says to export them.
 */
export function newBackupDataKey(): Buffer {
  return randomBytes(32);
}

function aadOf(destinationId: string): string {
  return `backup-destination:${destinationId}:data-key`;
}

export function sealBackupDataKey(box: SecretBox, destinationId: string, key: Buffer): string {
  if (key.length !== 32) throw new Error('a backup data key is 32 bytes');
  return box.seal(key.toString('base64'), aadOf(destinationId));
}

/** Throws SecretBoxError when the sealed key is not this destination's or the instance key cannot open it. */
export function openBackupDataKey(box: SecretBox, destinationId: string, sealed: string): Buffer {
  const key = Buffer.from(box.open(sealed, aadOf(destinationId)), 'base64');
  if (key.length !== 32) throw new Error('the sealed backup data key is not 32 bytes');
  return key;
}

/** The fingerprint of a data key, as backups' headers and BackupDestinationDto.keyId show it. */
export function backupDataKeyId(key: Buffer): string {
  return keyId(key);
}
