import type { ReasonCode, ServerStatus } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { TeamOwnedTimestampedEntity } from './columns';

@Entity({ name: 'servers' })
export class ServerEntity extends TeamOwnedTimestampedEntity {
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

  @Column('text', { name: 'status_reason_code', nullable: true })
  statusReasonCode: ReasonCode | null;

  @Column('text', { name: 'host_key_fingerprint', nullable: true })
  hostKeyFingerprint: string | null;

  @Column('text', { nullable: true })
  os: string | null;

  @Column('text', { name: 'docker_version', nullable: true })
  dockerVersion: string | null;

  /** The Docker engine's ID, read at validation: one server per Docker host in the instance (unique). */
  @Column('text', { name: 'docker_engine_id', nullable: true })
  dockerEngineId: string | null;

  /** bigint comes back from pg as a string. */
  @Column('bigint', { name: 'disk_free_bytes', nullable: true })
  diskFreeBytes: string | null;

  @Column('timestamptz', { name: 'last_validated_at', nullable: true })
  lastValidatedAt: Date | null;

  /** Null: the instance default (SERVER_CHECK_INTERVAL_SECONDS). */
  @Column('integer', { name: 'check_interval_seconds', nullable: true })
  checkIntervalSeconds: number | null;

  @Column('timestamptz', { name: 'last_checked_at', nullable: true })
  lastCheckedAt: Date | null;

  /** Claimed by the check scheduler: the server is not queued again before this. */
  @Column('timestamptz', { name: 'next_check_at', nullable: true })
  nextCheckAt: Date | null;

  /** Checks failed in a row; the server turns unreachable at 3 and ready again at the first success. */
  @Column('integer', { name: 'consecutive_failures', default: 0 })
  consecutiveFailures: number;

  /** Host directories its applications may bind-mount (at or below them), set by the team's owners; checked on the server, links resolved, at each deployment. */
  @Column('text', { name: 'allowed_bind_roots', array: true, default: () => "'{}'" })
  allowedBindRoots: string[];
}
