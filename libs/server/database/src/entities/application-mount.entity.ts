import type { MountKind } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { TeamOwnedTimestampedEntity } from './columns';

/** A named volume, a bind mount or a file of an application (docs/volumes.md). */
@Entity({ name: 'application_mounts' })
export class ApplicationMountEntity extends TeamOwnedTimestampedEntity {
  @Column('uuid', { name: 'application_id' })
  applicationId: string;

  @Column('text')
  kind: MountKind;

  /** volume: its name in the application (the Docker volume's name is derived from it and the application id). */
  @Column('text', { nullable: true })
  name: string | null;

  @Column('text', { name: 'mount_path' })
  mountPath: string;

  /** bind: the host path, under one of the server's allowed roots when saved, checked again on the server at each deployment. */
  @Column('text', { name: 'host_path', nullable: true })
  hostPath: string | null;

  @Column('boolean', { name: 'read_only', default: false })
  readOnly: boolean;

  /** file: the text, sealed with `mountContentAad(id)` when `secret`. */
  @Column('text', { nullable: true })
  content: string | null;

  @Column('boolean', { default: false })
  secret: boolean;
}

/** A secret file's content is sealed bound to its mount: pasted onto another row, it does not open. */
export function mountContentAad(mountId: string): string {
  return `application-mount:${mountId}`;
}
