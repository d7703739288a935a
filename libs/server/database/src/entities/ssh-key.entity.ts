import { Column, Entity } from 'typeorm';
import { TeamOwnedCreatedEntity } from './columns';

/** Associated data of a sealed private key: bound to its row, it will not open if copied onto another. */
export const sshKeyAad = (id: string) => `ssh_key:${id}`;

@Entity({ name: 'ssh_keys' })
export class SshKeyEntity extends TeamOwnedCreatedEntity {
  @Column('text')
  name: string;

  @Column('text')
  type: string;

  /** Sealed with the secret box (the sealed form carries the key id, for rotation); never returned. */
  @Column('text', { name: 'private_key' })
  privateKey: string;

  @Column('text', { name: 'public_key' })
  publicKey: string;

  @Column('text')
  fingerprint: string;
}
