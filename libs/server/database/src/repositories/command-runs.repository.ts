import type { EntityTarget, FindOptionsSelect } from 'typeorm';
import { CommandRunEntity } from '../entities';
import { type PageWindow, TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

/** Every column but the output (up to 1 MiB a run): what the history needs. */
const SUMMARY_COLUMNS: FindOptionsSelect<CommandRunEntity> = {
  id: true,
  teamId: true,
  serverId: true,
  userId: true,
  tokenId: true,
  actorName: true,
  command: true,
  timeoutSeconds: true,
  status: true,
  exitCode: true,
  error: true,
  outputTruncated: true,
  cancelRequestedAt: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
};

export type NewCommandRun = Pick<
  CommandRunEntity,
  'serverId' | 'userId' | 'tokenId' | 'actorName' | 'command' | 'timeoutSeconds' | 'status' | 'output' | 'outputTruncated'
>;

/** Commands run on servers (ChatOps): the API queues them, the worker runs them under the run lease. */
export class CommandRunsRepository extends TeamOwnedRepository<CommandRunEntity> {
  protected readonly target: EntityTarget<CommandRunEntity> = CommandRunEntity;
  readonly noun = 'command run';

  add(team: TeamScope, run: NewCommandRun): Promise<CommandRunEntity> {
    return this.rows.save(this.rows.create({ ...run, teamId: team.teamId }));
  }

  /** The server's runs, newest first, without their output. */
  pageOfServer(team: TeamScope, serverId: string, window: PageWindow): Promise<[CommandRunEntity[], number]> {
    return this.rows.findAndCount({
      where: this.scoped(team, { serverId }),
      select: SUMMARY_COLUMNS,
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: window.skip,
      take: window.take,
    });
  }

  /** A run of this server only: a run id of another server is as missing as an unknown one. */
  findOfServer(team: TeamScope, serverId: string, id: string): Promise<CommandRunEntity | null> {
    return this.rows.findOneBy(this.scoped(team, { id, serverId }));
  }

  /**
   * A queued run is cancelled at once (the worker will skip it); a running one is flagged, and the
   * worker running it kills the command. In one statement, so a run the worker claims meanwhile is
   * flagged rather than marked cancelled behind the worker's back. Undefined when the run already
   * finished (or is not the server's).
   */
  async requestCancel(team: TeamScope, serverId: string, id: string): Promise<{ status: string } | undefined> {
    const teamId = this.teamIdOf(team);
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set({
        cancelRequestedAt: () => 'now()',
        status: () => `CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END`,
        finishedAt: () => `CASE WHEN status = 'queued' THEN now() ELSE finished_at END`,
        error: () => `CASE WHEN status = 'queued' THEN 'Cancelled before it started.' ELSE error END`,
      })
      .where(`id = :id AND server_id = :serverId AND team_id = :teamId AND status IN ('queued', 'running')`, { id, serverId, teamId })
      .returning(['status'])
      .execute();
    return (result.raw as { status: string }[])[0];
  }
}
