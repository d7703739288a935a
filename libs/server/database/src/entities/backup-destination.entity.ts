import type { BackupDestinationKind } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { TeamOwnedTimestampedEntity } from './columns';

/**
 * Where backups are stored (docs/backups.md, "Data model"): an S3-compatible bucket, or a directory on
 * one of the team's servers. Always a team's: the instance's own backups go to one of its first
 * team's. Each one has a data key of its own that encrypts every backup written to it.
 */
@Entity({ name: 'backup_destinations' })
export class BackupDestinationEntity extends TeamOwnedTimestampedEntity {
  /** Unique in the team. */
  @Column('text')
  name: string;

  @Column('text')
  kind: BackupDestinationKind;

  /** s3: the fields below; null for `server`. */
  @Column('text', { nullable: true })
  endpoint: string | null;

  @Column('text', { nullable: true })
  region: string | null;

  @Column('text', { nullable: true })
  bucket: string | null;

  /** s3, optional: keys are written under `<prefix>/`. */
  @Column('text', { nullable: true })
  prefix: string | null;

  @Column('boolean', { name: 'force_path_style', nullable: true })
  forcePathStyle: boolean | null;

  @Column('text', { name: 'access_key_id', nullable: true })
  accessKeyId: string | null;

  /** Sealed with `backupSecretKeyAad(id)`; never returned. */
  @Column('text', { name: 'secret_access_key', nullable: true, select: false })
  secretAccessKey: string | null;

  /** server: the server and the absolute directory (under one of its allowed bind roots when saved). */
  @Column('uuid', { name: 'server_id', nullable: true })
  serverId: string | null;

  @Column('text', { nullable: true })
  path: string | null;

  /** 32 random bytes, sealed by `sealBackupDataKey` (`@zpanel/core`, AAD `backup-destination:<id>:data-key`); only `GET …/{id}/key` (read:sensitive, audited) and the worker open it. */
  @Column('text', { name: 'data_key', select: false })
  dataKey: string;

  /** Fingerprint of the data key (never the key), recorded on each backup and printed in its header. */
  @Column('text', { name: 'data_key_id' })
  dataKeyId: string;
}

/** The S3 secret key is sealed bound to its destination: pasted onto another row, it does not open. */
export function backupSecretKeyAad(destinationId: string): string {
  return `backup-destination:${destinationId}:secret-access-key`;
}
