import type { DatabaseEngine, DatabaseStatus, ReasonCode } from '@zpanel/contracts';
import { type EntityTarget, In } from 'typeorm';
import { DatabaseEntity } from '../entities';
import { type PageWindow, TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

/** A database a server check looks at (`healthCheckCandidates`). */
export interface DatabaseHealthCandidate {
  id: string;
  teamId: string;
  name: string;
  engine: DatabaseEngine;
  status: DatabaseStatus;
  statusReason: string | null;
  statusReasonCode: ReasonCode | null;
  databaseName: string | null;
  userName: string | null;
  /** Sealed with `databasePasswordAad(id)`. */
  sealedPassword: string;
  /** MySQL / MariaDB: sealed with `databaseRootPasswordAad(id)` (the probe builder checks every credential). */
  sealedRootPassword: string | null;
}

/**
 * One-click databases. The password column is sealed (`databasePasswordAad(id)`) and not selected with
 * the row; the caller picks the id before inserting, since the seal is bound to it.
 */
export class DatabasesRepository extends TeamOwnedRepository<DatabaseEntity> {
  protected readonly target: EntityTarget<DatabaseEntity> = DatabaseEntity;
  readonly noun = 'database';

  pageInEnvironment(team: TeamScope, environmentId: string, window: PageWindow): Promise<[DatabaseEntity[], number]> {
    return this.page(team, window, { name: 'ASC', id: 'ASC' }, { environmentId });
  }

  /** The team's databases by name, of one environment when `filter` names it (the list route's filter). */
  pageListed(team: TeamScope, window: PageWindow, filter: { environmentId?: string }): Promise<[DatabaseEntity[], number]> {
    const where = filter.environmentId === undefined ? {} : { environmentId: filter.environmentId };
    return this.page(team, window, { name: 'ASC', createdAt: 'ASC', id: 'ASC' }, where);
  }

  /**
   * Whether a database or an application of the environment already has the name: they share one
   * namespace, the one references name (`${{ main-db.HOST }}`). The database table holds its own
   * names unique; an application and a database of one name are kept apart by checking here in the
   * transaction that adds either, after locking the environment row. `exceptDatabaseId`: a rename.
   */
  async nameTakenInEnvironment(team: TeamScope, environmentId: string, name: string, exceptDatabaseId?: string): Promise<boolean> {
    const [row]: { taken: boolean }[] = await this.manager.query(
      `SELECT EXISTS (SELECT 1 FROM "databases" WHERE "team_id" = $1 AND "environment_id" = $2 AND "name" = $3 AND "id" IS DISTINCT FROM $4)
           OR EXISTS (SELECT 1 FROM "applications" WHERE "team_id" = $1 AND "environment_id" = $2 AND "name" = $3) AS "taken"`,
      [this.teamIdOf(team), environmentId, name, exceptDatabaseId ?? null],
    );
    return row.taken;
  }

  /** The environment's databases of these names (what references name), without their passwords. */
  findByNamesInEnvironment(team: TeamScope, environmentId: string, names: readonly string[]): Promise<DatabaseEntity[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.rows.findBy(this.scoped(team, { environmentId, name: In([...names]) }));
  }

  /**
   * Whether a database on the server already publishes the port, whatever its team (the caller checked
   * the server's): a port is the server's, not a team's. `exceptDatabaseId`: the database changing it.
   */
  async publicPortTaken(serverId: string, port: number, exceptDatabaseId?: string): Promise<boolean> {
    const [row]: { taken: boolean }[] = await this.manager.query(
      `SELECT EXISTS (SELECT 1 FROM "databases" WHERE "server_id" = $1 AND "public_port" = $2 AND "id" IS DISTINCT FROM $3) AS "taken"`,
      [serverId, port, exceptDatabaseId ?? null],
    );
    return row.taken;
  }

  /** Databases of the environment, which keep it from being deleted like its applications do. */
  countInEnvironment(team: TeamScope, environmentId: string): Promise<number> {
    return this.rows.countBy(this.scoped(team, { environmentId }));
  }

  /** Databases of the project's environments (the project is the environment's, not a column here). */
  countInProject(team: TeamScope, projectId: string): Promise<number> {
    return this.rows
      .createQueryBuilder('d')
      .innerJoin('environments', 'e', 'e.id = d.environment_id')
      .where('d.team_id = :teamId AND e.project_id = :projectId', { teamId: this.teamIdOf(team), projectId })
      .getCount();
  }

  /** Databases on the server, which keep it from being deleted (whatever checked the server's team checked theirs). */
  countOnServer(serverId: string): Promise<number> {
    return this.rows.countBy({ serverId });
  }

  /** Inserts the database with the id its password was sealed for (the root password is the worker's, set at create). */
  async add(team: TeamScope, row: Omit<DatabaseEntity, 'teamId' | 'createdAt' | 'updatedAt' | 'rootPassword'>): Promise<void> {
    await this.rows.insert({ ...row, teamId: team.teamId });
  }

  /** Writes exactly `changes` (callers that mean a change of the database set `updatedAt`). */
  async change(team: TeamScope, id: string, changes: Partial<Omit<DatabaseEntity, 'id' | 'teamId'>>): Promise<void> {
    await this.rows.update(this.scoped(team, { id }), changes);
  }

  /**
   * Sets the status and its reason, only while the database is in one of `from` (a reaper settling a
   * lost operation must not overwrite what a live one wrote since); false when it was not, or is gone.
   */
  async changeStatusFrom(
    team: TeamScope,
    id: string,
    from: readonly DatabaseStatus[],
    to: { status: DatabaseStatus; statusReason: string | null; statusReasonCode: ReasonCode | null },
  ): Promise<boolean> {
    const result = await this.rows.update(this.scoped(team, { id, status: In([...from]) }), { ...to, updatedAt: () => 'now()' });
    return (result.affected ?? 0) > 0;
  }

  /**
   * For the periodic server check: the server's databases whose status a check may settle (`running`,
   * `unhealthy`, `stopped`) and that no operation is queued or running for, with their sealed passwords
   * (the Redis probe authenticates; the builders check every credential) and the database's clock now, which `reconcileStatus` is given back.
   */
  async healthCheckCandidates(serverId: string): Promise<{ since: Date; databases: DatabaseHealthCandidate[] }> {
    const rows: (Omit<DatabaseHealthCandidate, 'statusReasonCode'> & { statusReasonCode: ReasonCode | null; since: Date })[] =
      await this.manager.query(
        `SELECT d."id", d."team_id" AS "teamId", d."name", d."engine", d."status", d."status_reason" AS "statusReason",
              d."status_reason_code" AS "statusReasonCode", d."database_name" AS "databaseName", d."user_name" AS "userName",
              d."password" AS "sealedPassword", d."root_password" AS "sealedRootPassword", now() AS "since"
         FROM "databases" d
        WHERE d."server_id" = $1 AND d."status" IN ('running', 'unhealthy', 'stopped')
          AND NOT EXISTS (SELECT 1 FROM "database_operations" o WHERE o."database_id" = d."id" AND o."status" IN ('queued', 'running'))
        ORDER BY d."id"`,
        [serverId],
      );
    // With no rows there is nothing to write back, so no clock is needed.
    return { since: rows[0]?.since ?? new Date(), databases: rows.map(({ since: _since, ...row }) => row) };
  }

  /**
   * A server check's verdict, written only if nothing else touched the database since the check read
   * it at `since`: its status is still `from`, and no operation is queued or running, started or
   * finished since (an operation's own status always wins over what a check saw). False when not written.
   */
  async reconcileStatus(
    id: string,
    from: DatabaseStatus,
    to: { status: DatabaseStatus; statusReason: string | null; statusReasonCode: ReasonCode | null },
    since: Date,
  ): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.manager.query(
      `UPDATE "databases" d SET "status" = $3, "status_reason" = $4, "status_reason_code" = $5, "updated_at" = now()
        WHERE d."id" = $1 AND d."status" = $2
          AND NOT EXISTS (SELECT 1 FROM "database_operations" o WHERE o."database_id" = d."id"
                           AND (o."status" IN ('queued', 'running') OR o."created_at" >= $6 OR o."finished_at" >= $6))`,
      [id, from, to.status, to.statusReason, to.statusReasonCode, since],
    );
    return affected > 0;
  }

  /**
   * The sealed passwords, for the worker: the user's, and the MySQL / MariaDB root password (null until
   * the create operation set it, and for the other engines). Null: no such database in the scope.
   */
  async sealedSecrets(team: TeamScope, id: string): Promise<{ password: string; rootPassword: string | null } | null> {
    const row = await this.rows.findOne({ where: this.scoped(team, { id }), select: { id: true, password: true, rootPassword: true } });
    return row ? { password: row.password, rootPassword: row.rootPassword } : null;
  }

  /** The sealed password, for the worker and for a reveal to `read:sensitive`; null: no such database in the scope. */
  async sealedPassword(team: TeamScope, id: string): Promise<string | null> {
    return (await this.rows.findOne({ where: this.scoped(team, { id }), select: { id: true, password: true } }))?.password ?? null;
  }
}
