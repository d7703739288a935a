import { Column, Entity } from 'typeorm';
import { CreatedEntity } from './columns';

@Entity({ name: 'audit_events' })
export class AuditEventEntity extends CreatedEntity {
  @Column('uuid', { name: 'team_id', nullable: true })
  teamId: string | null;

  @Column('uuid', { name: 'actor_user_id', nullable: true })
  actorUserId: string | null;

  @Column('uuid', { name: 'actor_token_id', nullable: true })
  actorTokenId: string | null;

  @Column('text')
  action: string;

  @Column('text', { name: 'target_type', nullable: true })
  targetType: string | null;

  @Column('text', { name: 'target_id', nullable: true })
  targetId: string | null;

  @Column('text', { nullable: true })
  ip: string | null;

  @Column('text', { name: 'user_agent', nullable: true })
  userAgent: string | null;

  /** Small, non-secret details (old and new role, token name); never passwords or tokens. */
  @Column('jsonb')
  metadata: Record<string, unknown>;
}
