import { Ability } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { TeamOwnedCreatedEntity } from './columns';

@Entity({ name: 'api_tokens' })
export class ApiTokenEntity extends TeamOwnedCreatedEntity {
  @Column('uuid', { name: 'created_by' })
  createdBy: string;

  @Column('text')
  name: string;

  @Column('text', { array: true })
  abilities: Ability[];

  /** SHA-256 of the token; the token is shown once at creation. */
  @Column('text', { name: 'token_hash' })
  tokenHash: string;

  /** The first characters, safe to show so people can tell their tokens apart. */
  @Column('text', { name: 'token_prefix' })
  tokenPrefix: string;

  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
