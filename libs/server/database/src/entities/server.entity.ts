import type { ServerStatus } from '@zpanel/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'servers' })
export class ServerEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'team_id' })
  teamId: string;

  @Column('text')
  name: string;

  @Column('text')
  host: string;

  @Column('integer')
  port: number;

  @Column('text')
  user: string;

  @Column('uuid', { name: 'ssh_key_id' })
  sshKeyId: string;

  @Column('text')
  description: string;

  @Column('text')
  status: ServerStatus;

  @Column('text', { name: 'status_reason', nullable: true })
  statusReason: string | null;

  @Column('text', { name: 'host_key_fingerprint', nullable: true })
  hostKeyFingerprint: string | null;

  @Column('text', { nullable: true })
  os: string | null;

  @Column('text', { name: 'docker_version', nullable: true })
  dockerVersion: string | null;

  /** bigint comes back from pg as a string. */
  @Column('bigint', { name: 'disk_free_bytes', nullable: true })
  diskFreeBytes: string | null;

  @Column('timestamptz', { name: 'last_validated_at', nullable: true })
  lastValidatedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
