import { Column, Entity } from 'typeorm';
import { CreatedEntity } from './columns';

@Entity({ name: 'refresh_tokens' })
export class RefreshTokenEntity extends CreatedEntity {
  @Column('uuid', { name: 'user_id' })
  userId: string;

  /** Shared by every token rotated from one login; also the access token's session id. */
  @Column('uuid', { name: 'family_id' })
  familyId: string;

  /** SHA-256 of the token; the token itself is only ever in the client's hands. */
  @Column('text', { name: 'token_hash' })
  tokenHash: string;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @Column('text', { nullable: true })
  ip: string | null;

  @Column('text', { name: 'user_agent', nullable: true })
  userAgent: string | null;
}
