import type { ServerStatus } from '@zpanel/contracts';
import type { EntityTarget } from 'typeorm';
import { ServerEntity } from '../entities';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

/** What a new server is given; the rest starts at its column defaults. */
export type NewServer = Pick<ServerEntity, 'name' | 'host' | 'port' | 'user' | 'sshKeyId' | 'description' | 'status' | 'checkIntervalSeconds'>;

export class ServersRepository extends TeamOwnedRepository<ServerEntity> {
  protected readonly target: EntityTarget<ServerEntity> = ServerEntity;
  readonly noun = 'server';

  existsInTeam(team: TeamScope, id: string): Promise<boolean> {
    return this.rows.existsBy(this.scoped(team, { id }));
  }

  add(team: TeamScope, server: NewServer): Promise<ServerEntity> {
    return this.rows.save({ ...server, teamId: team.teamId });
  }

  async change(team: TeamScope, id: string, changes: Partial<ServerEntity>): Promise<void> {
    await this.rows.update(this.scoped(team, { id }), changes);
  }

  // The worker's side: its jobs name servers the API already checked.

  /** What a validation found: the status and reason, and for a server that passed, what it runs. */
  async recordValidation(id: string, outcome: Partial<ServerEntity>): Promise<void> {
    await this.rows.update({ id }, outcome);
  }

  /** The server under a row lock until the transaction ends (run it in one, through `in(manager)`). */
  lockForCheck(id: string): Promise<ServerEntity | null> {
    return this.rows.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async recordCheck(
    id: string,
    state: Pick<ServerEntity, 'status' | 'statusReason' | 'statusReasonCode' | 'consecutiveFailures' | 'lastCheckedAt'>,
  ): Promise<void> {
    await this.rows.update({ id }, state);
  }

  /**
   * Claims the servers in `statuses` whose check is due (or due within `earlySeconds`) by moving
   * their next check one interval on, in the statement that finds them: a server claimed by one
   * caller is no longer due for another. Only servers whose host key is pinned are claimed.
   */
  async claimDueForCheck(
    statuses: readonly ServerStatus[],
    defaultIntervalSeconds: number,
    earlySeconds: number,
  ): Promise<{ id: string; nextCheckAt: Date }[]> {
    const [claimed]: [{ id: string; next_check_at: Date }[], number] = await this.manager.query(
      `UPDATE "servers"
          SET "next_check_at" = now() + make_interval(secs => COALESCE("check_interval_seconds", $1))
        WHERE "status" = ANY($2) AND "host_key_fingerprint" IS NOT NULL
          AND ("next_check_at" IS NULL OR "next_check_at" <= now() + make_interval(secs => $3))
        RETURNING "id", "next_check_at"`,
      [defaultIntervalSeconds, statuses, earlySeconds],
    );
    return claimed.map((row) => ({ id: row.id, nextCheckAt: row.next_check_at }));
  }

  /** Every server's id, of every team. */
  async idsAcrossTeams(): Promise<string[]> {
    const rows: { id: string }[] = await this.manager.query(`SELECT "id" FROM "servers"`);
    return rows.map((row) => row.id);
  }
}
