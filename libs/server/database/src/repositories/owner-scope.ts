import { type FindOptionsOrder, type FindOptionsSelect, type FindOptionsWhere, IsNull } from 'typeorm';
import { type PageWindow, TeamOwnedRepository } from './entity-repository';
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
export abstract class OwnedRepository<E extends { id: string; teamId: string | null; createdAt: Date }> extends TeamOwnedRepository<E> {
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

  /**
   * A page of the owner's rows, newest first, matching the value `filter` gives for each of `keys`
   * (undefined: any). Only `keys` are read: a query object with more in it filters on nothing else.
   */
  protected pageOwned<K extends keyof E & string>(
    owner: BackupOwner,
    window: PageWindow,
    filter: Partial<Record<K, unknown>>,
    keys: readonly K[],
    select: FindOptionsSelect<E>,
  ): Promise<[E[], number]> {
    const where = Object.fromEntries(keys.filter((key) => filter[key] !== undefined).map((key) => [key, filter[key]])) as FindOptionsWhere<E>;
    return this.rows.findAndCount({
      where: this.owned(owner, where),
      select,
      // The entity type is generic here; both columns exist on every owned row.
      order: { createdAt: 'DESC', id: 'DESC' } as FindOptionsOrder<E>,
      skip: window.skip,
      take: window.take,
    });
  }

  async deleteOwned(owner: BackupOwner, id: string): Promise<boolean> {
    const result = await this.rows.delete(this.owned(owner, { id } as FindOptionsWhere<E>));
    return (result.affected ?? 0) > 0;
  }
}
