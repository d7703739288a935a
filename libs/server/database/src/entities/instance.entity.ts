import type { SmtpSecurity } from '@zpanel/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from './columns';

/** The instance's SMTP server, without its password (sealed apart). */
export interface InstanceSmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string | null;
  from: string;
}

/** The single row identifying this Zpanel installation (stable across restarts and upgrades), and its settings. */
@Entity({ name: 'instance' })
export class InstanceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @CreatedAtColumn()
  createdAt: Date;

  /** Where people reach this instance (https://zpanel.example.com): links in notifications and emails start with it. */
  @Column('text', { name: 'public_url', nullable: true })
  publicUrl: string | null;

  @Column('jsonb', { nullable: true })
  smtp: InstanceSmtpSettings | null;

  @Column('text', { name: 'smtp_password', nullable: true, select: false })
  smtpPassword: string | null;
}

/** The instance's SMTP password is sealed bound to this purpose. */
export function instanceSmtpPasswordAad(instanceId: string): string {
  return `instance-smtp:${instanceId}`;
}
