import { Column, Entity } from 'typeorm';
import { TimestampedEntity } from './columns';

@Entity({ name: 'users' })
export class UserEntity extends TimestampedEntity {
  @Column('text')
  email: string;

  @Column('text')
  name: string;

  /** argon2id; never leaves the server. */
  @Column('text', { name: 'password_hash' })
  passwordHash: string;

  /** TOTP secret sealed with the secret box; null until 2FA enrollment starts. */
  @Column('text', { name: 'totp_secret', nullable: true })
  totpSecret: string | null;

  @Column('timestamptz', { name: 'totp_enabled_at', nullable: true })
  totpEnabledAt: Date | null;

  /** Last accepted TOTP time step: a code for it or an earlier step is refused (replay). */
  @Column('bigint', { name: 'totp_last_step', nullable: true })
  totpLastStep: string | null;

  @Column('timestamptz', { name: 'password_changed_at' })
  passwordChangedAt: Date;
}
