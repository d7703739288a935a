import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/*
 * The columns most tables declare alike, each defined once. An entity extends the base class whose
 * columns match its table exactly (name, type, nullability, default); a table that differs (a
 * nullable team_id, a composite key) declares the column itself. The schema comes from the
 * migrations only, so these describe it and change nothing in it.
 */

/** `team_id uuid NOT NULL`. */
export const TeamIdColumn = (): PropertyDecorator => Column('uuid', { name: 'team_id' });

/** `created_at timestamptz NOT NULL DEFAULT now()`, set by the database on insert. */
export const CreatedAtColumn = (): PropertyDecorator => CreateDateColumn({ name: 'created_at', type: 'timestamptz' });

/** `updated_at timestamptz NOT NULL DEFAULT now()`, bumped by TypeORM on every save. */
export const UpdatedAtColumn = (): PropertyDecorator => UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' });

/** `memory_limit_mb integer` (NULL: no limit) of a container Zpanel runs: an application's, a database's. */
export const MemoryLimitMbColumn = (): PropertyDecorator => Column('integer', { name: 'memory_limit_mb', nullable: true });

/** `cpu_limit numeric(6,2)` (NULL: no limit), beside the memory limit; numeric comes back from pg as a string. */
export const CpuLimitColumn = (): PropertyDecorator => Column('numeric', { name: 'cpu_limit', nullable: true });

/** `id uuid PRIMARY KEY DEFAULT gen_random_uuid()`. */
export abstract class IdentifiedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;
}

export abstract class CreatedEntity extends IdentifiedEntity {
  @CreatedAtColumn()
  createdAt: Date;
}

export abstract class TimestampedEntity extends CreatedEntity {
  @UpdatedAtColumn()
  updatedAt: Date;
}

/** A row of one team's: what team-scoped queries filter on. */
export abstract class TeamOwnedEntity extends IdentifiedEntity {
  @TeamIdColumn()
  teamId: string;
}

export abstract class TeamOwnedCreatedEntity extends TeamOwnedEntity {
  @CreatedAtColumn()
  createdAt: Date;
}

export abstract class TeamOwnedTimestampedEntity extends TeamOwnedCreatedEntity {
  @UpdatedAtColumn()
  updatedAt: Date;
}

/** A resource of an environment that runs on one server (an application, a database), known by its name. */
export abstract class EnvironmentResourceEntity extends TeamOwnedTimestampedEntity {
  @Column('uuid', { name: 'environment_id' })
  environmentId: string;

  @Column('uuid', { name: 'server_id' })
  serverId: string;

  @Column('text')
  name: string;
}
