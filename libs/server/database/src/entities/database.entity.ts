import type { DatabaseEngine, DatabaseStatus, ReasonCode } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { CpuLimitColumn, EnvironmentResourceEntity, MemoryLimitMbColumn } from './columns';

/**
 * A one-click database: a resource of an environment beside its applications, one container of the
 * engine on one server (docs/databases.md, "Data model").
 *
 * Backups will hang off the id: it never changes (a rename, an image change, a password rotation or a
 * stop keep it), and the container, its alias and its data volume are named from it
 * (`zpanelDockerNames().databaseAlias(id)`, `.databaseVolume(id)`), so a backup row needs only the
 * database id to find what to dump, and records the engine and image it dumped for its own restore.
 * Its name is unique in the environment among its applications too: it is what references name
 * (`${{ main-db.HOST }}`).
 */
@Entity({ name: 'databases' })
export class DatabaseEntity extends EnvironmentResourceEntity {
  @Column('text')
  engine: DatabaseEngine;

  /** Image reference; the engine's default (`DATABASE_DEFAULT_IMAGES`) unless the user chose one. */
  @Column('text')
  image: string;

  /** SQL engines: the database and user the applications connect as; null for Redis, which has neither. */
  @Column('text', { name: 'database_name', nullable: true })
  databaseName: string | null;

  @Column('text', { name: 'user_name', nullable: true })
  userName: string | null;

  /** Sealed (see databasePasswordAad); generated, never sent by a user. */
  @Column('text', { select: false })
  password: string;

  /**
   * MySQL / MariaDB only: the root password, sealed (see databaseRootPasswordAad). The worker generates
   * it at create (null until then) and only it uses it, to rotate the user's password; it never leaves
   * the server's container or the worker.
   */
  @Column('text', { name: 'root_password', nullable: true, select: false })
  rootPassword: string | null;

  /** Published on the server's public interfaces; null: reachable on the Zpanel network only. Unique per server. */
  @Column('integer', { name: 'public_port', nullable: true })
  publicPort: number | null;

  @MemoryLimitMbColumn()
  memoryLimitMb: number | null;

  @CpuLimitColumn()
  cpuLimit: string | null;

  @Column('text', { default: 'creating' })
  status: DatabaseStatus;

  @Column('text', { name: 'status_reason', nullable: true })
  statusReason: string | null;

  @Column('text', { name: 'status_reason_code', nullable: true })
  statusReasonCode: ReasonCode | null;
}

/** The password is sealed bound to the database id: pasted onto another database's row, it does not open. */
export function databasePasswordAad(databaseId: string): string {
  return `database-password:${databaseId}`;
}

/** The MySQL / MariaDB root password is sealed bound to the database id too, apart from the user's password. */
export function databaseRootPasswordAad(databaseId: string): string {
  return `database-root-password:${databaseId}`;
}
