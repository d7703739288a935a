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
