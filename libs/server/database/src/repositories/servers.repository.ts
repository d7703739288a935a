import type { EntityTarget } from 'typeorm';
import { ApplicationEntity, ServerEntity } from '../entities';
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

  /** Applications set to run on the server, which keep it from being deleted. */
  async hasApplications(id: string): Promise<boolean> {
    return (await this.manager.countBy(ApplicationEntity, { serverId: id })) > 0;
  }
}
