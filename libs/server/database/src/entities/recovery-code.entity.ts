import { Column, Entity } from 'typeorm';
import { CreatedEntity } from './columns';

@Entity({ name: 'recovery_codes' })
export class RecoveryCodeEntity extends CreatedEntity {
  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text', { name: 'code_hash' })
  codeHash: string;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;
}
