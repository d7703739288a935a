import type { DatabaseReference, DatabaseReferenceVariable } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { TeamOwnedEntity, UpdatedAtColumn } from './columns';

@Entity({ name: 'env_vars' })
export class EnvVarEntity extends TeamOwnedEntity {
  @Column('uuid', { name: 'environment_id', nullable: true })
  environmentId: string | null;

  @Column('uuid', { name: 'application_id', nullable: true })
  applicationId: string | null;

  /** With applicationId: one of the application's preview overrides (they apply to its previews only). */
  @Column('boolean', { default: false })
  preview: boolean;

  @Column('text')
  key: string;

  /** Sealed with the secret box, bound to the variable's owner and key (see envVarAad). */
  @Column('text')
  value: string;

  /**
   * The `${{ <database>.<VARIABLE> }}` references of the value, each once, as `<database>.<VARIABLE>`:
   * names only, kept in plain text beside the sealed value so the references to a database are found
   * without opening values. Written with the value, from it.
   */
  @Column('text', { name: 'database_references', array: true, default: () => "'{}'" })
  databaseReferences: string[];

  @Column('boolean', { name: 'build_time' })
  buildTime: boolean;

  @Column('boolean')
  runtime: boolean;

  @UpdatedAtColumn()
  updatedAt: Date;
}

/**
 * Associated data of a sealed value: a sealed value copied onto another variable's row (another
 * team's, another key) fails to open instead of leaking.
 */
export function envVarAad(owner: { environmentId: string | null; applicationId: string | null; preview?: boolean }, key: string): string {
  if (owner.applicationId) return owner.preview ? `env:preview:${owner.applicationId}:${key}` : `env:application:${owner.applicationId}:${key}`;
  return `env:environment:${owner.environmentId}:${key}`;
}

/** How a reference is stored in `database_references`: `<database>.<VARIABLE>` (a database name has no dot). */
export function storedReference(reference: DatabaseReference): string {
  return `${reference.database}.${reference.variable}`;
}

/** The references of a stored variable, as the API shows them. */
export function referencesOf(row: Pick<EnvVarEntity, 'databaseReferences'>): DatabaseReference[] {
  return row.databaseReferences.map((stored) => {
    const dot = stored.indexOf('.');
    return { database: stored.slice(0, dot), variable: stored.slice(dot + 1) as DatabaseReferenceVariable };
  });
}
