import type { EntityTarget } from 'typeorm';
import { ServerEntity } from '../entities';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

export class ServersRepository extends TeamOwnedRepository<ServerEntity> {
  protected readonly target: EntityTarget<ServerEntity> = ServerEntity;
  readonly noun = 'server';

  existsInTeam(team: TeamScope, id: string): Promise<boolean> {
    return this.rows.existsBy(this.scoped(team, { id }));
  }
}
