import { type FindOptionsWhere, IsNull } from 'typeorm';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

declare const instanceOwned: unique symbol;

/**
 * The instance itself as the owner of rows whose `team_id` is null: the backups of Zpanel's own
 * PostgreSQL (System). Only code that checked the caller may manage the instance makes one.
 */
export interface InstanceScope {
  readonly teamId: null;
  readonly [instanceOwned]: true;
}

export function instanceScope(): InstanceScope {
  return { teamId: null } as InstanceScope;
}

/** Who owns a backup, schedule, destination or restore: a checked team, or the instance. */
export type BackupOwner = TeamScope | InstanceScope;

/**
 * A repository of rows owned by a team or by the instance (`team_id` null). The team finders of
 * `TeamOwnedRepository` never see the instance's rows (and `teamOf` answers undefined for them, so
 * the API's gate gives its 404); the `owner` finders take either scope.
 */
export abstract class OwnedRepository<E extends { id: string; teamId: string | null }> extends TeamOwnedRepository<E> {
  /** The condition on `team_id` for an owner; refuses anything that is not a scope, like `teamIdOf`. */
  protected owned(owner: BackupOwner, where: FindOptionsWhere<E> = {}): FindOptionsWhere<E> {
    if (owner?.teamId === null) return { ...where, teamId: IsNull() } as FindOptionsWhere<E>;
    return this.scoped(owner as TeamScope, where);
  }

  /** The `team_id` to write for an owner: null for the instance, the checked team's id otherwise. */
  protected ownerTeamId(owner: BackupOwner): string | null {
    return owner?.teamId === null ? null : this.teamIdOf(owner as TeamScope);
  }

  findOwned(owner: BackupOwner, id: string): Promise<E | null> {
    return this.rows.findOneBy(this.owned(owner, { id } as FindOptionsWhere<E>));
  }

  /** The row, or the same 404 whether it is missing or someone else's. */
  async getOwned(owner: BackupOwner, id: string): Promise<E> {
    const row = await this.findOwned(owner, id);
    if (!row) throw this.notFound();
    return row;
  }

  async deleteOwned(owner: BackupOwner, id: string): Promise<boolean> {
    const result = await this.rows.delete(this.owned(owner, { id } as FindOptionsWhere<E>));
    return (result.affected ?? 0) > 0;
  }
}
