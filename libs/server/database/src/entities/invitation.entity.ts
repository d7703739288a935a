import { Role } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { TeamOwnedCreatedEntity } from './columns';

@Entity({ name: 'invitations' })
export class InvitationEntity extends TeamOwnedCreatedEntity {
  /** Only this address may accept (compared case-insensitively). */
  @Column('text')
  email: string;

  @Column('text')
  role: Role;

  @Column('text', { name: 'token_hash' })
  tokenHash: string;

  @Column('uuid', { name: 'invited_by', nullable: true })
  invitedBy: string | null;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'accepted_at', nullable: true })
  acceptedAt: Date | null;

  @Column('uuid', { name: 'accepted_by', nullable: true })
  acceptedBy: string | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
