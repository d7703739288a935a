import {
  type EntityManager,
  type EntityTarget,
  type FindOptionsOrder,
  type FindOptionsWhere,
  In,
  type ObjectLiteral,
  type Repository,
} from 'typeorm';
import { ErrorCode } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import type { TeamScope } from './team-scope';

export interface PageWindow {
  skip: number;
  take: number;
}

/**
 * Data access for one aggregate. `in(manager)` gives the same repository inside a transaction, so a
 * change and its audit row still commit together.
 */
export abstract class EntityRepository<E extends ObjectLiteral> {
  constructor(protected readonly manager: EntityManager) {}

  protected abstract readonly target: EntityTarget<E>;

  protected get rows(): Repository<E> {
    return this.manager.getRepository(this.target);
  }

  in(manager: EntityManager): this {
    const Repo = this.constructor as new (manager: EntityManager) => this;
    return new Repo(manager);
  }

  /** The team id of a scope, for a query written by hand (a query builder, raw SQL). */
  protected teamIdOf(team: TeamScope): string {
    // TypeORM drops an undefined condition, which would make a scoped query unscoped: refuse instead.
    if (typeof team?.teamId !== 'string') throw new TypeError('A team-owned query needs a TeamScope');
    return team.teamId;
  }
}

/**
 * A repository of rows that belong to a team (a `team_id` column). Every finder takes a `TeamScope`;
 * `teamOf` is the one way to learn the owner of an id, for the access check that makes the scope.
 */
export abstract class TeamOwnedRepository<E extends { id: string; teamId: string | null }> extends EntityRepository<E> {
  /** The noun in "No such …", e.g. `server`. */
  abstract readonly noun: string;

  /**
   * The row by id whatever its team: for the worker, whose jobs name rows the API already checked,
   * and for tests. The API may not call it (a lint rule), it goes through `teamOf` and a scope.
   */
  findByIdAcrossTeams(id: string): Promise<E | null> {
    return this.rows.findOneBy({ id } as FindOptionsWhere<E>);
  }

  async teamOf(id: string): Promise<string | undefined> {
    const row = await this.rows.findOne({ where: { id } as FindOptionsWhere<E>, select: { id: true, teamId: true } as never });
    // A row without a team (the instance's own backups) belongs to no team: as missing as an unknown id.
    return row?.teamId ?? undefined;
  }

  protected scoped(team: TeamScope, where: FindOptionsWhere<E> = {}): FindOptionsWhere<E> {
    return { ...where, teamId: this.teamIdOf(team) } as FindOptionsWhere<E>;
  }

  find(team: TeamScope, id: string): Promise<E | null> {
    return this.rows.findOneBy(this.scoped(team, { id } as FindOptionsWhere<E>));
  }

  /** The row, or the same 404 whether it is missing or another team's. */
  async get(team: TeamScope, id: string): Promise<E> {
    const row = await this.find(team, id);
    if (!row) throw this.notFound();
    return row;
  }

  /** `get` holding a row lock until the end of the transaction the repository is `in`. */
  async getLocked(team: TeamScope, id: string, mode: 'pessimistic_write' | 'for_no_key_update' = 'pessimistic_write'): Promise<E> {
    const row = await this.rows.findOne({ where: this.scoped(team, { id } as FindOptionsWhere<E>), lock: { mode } });
    if (!row) throw this.notFound();
    return row;
  }

  protected notFound(): AppException {
    return new AppException(ErrorCode.NotFound, `No such ${this.noun}`);
  }

  page(team: TeamScope, window: PageWindow, order: FindOptionsOrder<E>, where: FindOptionsWhere<E> = {}): Promise<[E[], number]> {
    return this.rows.findAndCount({ where: this.scoped(team, where), order, skip: window.skip, take: window.take });
  }

  /** Which of `ids` are rows of the team (for ids named inside a request body, "References inside a body" in docs/architecture.md). */
  async ownIds(team: TeamScope, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.rows.find({ where: this.scoped(team, { id: In([...ids]) } as FindOptionsWhere<E>), select: { id: true } as never });
    return new Set(rows.map((row) => row.id));
  }

  async deleteOne(team: TeamScope, id: string): Promise<boolean> {
    const result = await this.rows.delete(this.scoped(team, { id } as FindOptionsWhere<E>));
    return (result.affected ?? 0) > 0;
  }
}
