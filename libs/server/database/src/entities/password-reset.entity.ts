import { Column, Entity } from 'typeorm';
import { CreatedEntity } from './columns';

/** An emailed password reset link: single use, expiring; only the token's hash is kept. */
@Entity({ name: 'password_resets' })
export class PasswordResetEntity extends CreatedEntity {
  @Column('uuid', { name: 'user_id' })
  userId: string;

  /** SHA-256 of the token; the token itself is only in the email. */
  @Column('text', { name: 'token_hash' })
  tokenHash: string;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;

  /** The address the reset was asked from. */
  @Column('text', { nullable: true })
  ip: string | null;
}
