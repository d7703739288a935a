import type { EntityTarget } from 'typeorm';
import { ServerEntity, SshKeyEntity } from '../entities';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

export class SshKeysRepository extends TeamOwnedRepository<SshKeyEntity> {
  protected readonly target: EntityTarget<SshKeyEntity> = SshKeyEntity;
  readonly noun = 'SSH key';

  existsInTeam(team: TeamScope, id: string): Promise<boolean> {
    return this.rows.existsBy(this.scoped(team, { id }));
  }

  /** The private key must already be sealed (bound to `id`, which is why the caller picks it). */
  add(team: TeamScope, key: Pick<SshKeyEntity, 'id' | 'name' | 'type' | 'privateKey' | 'publicKey' | 'fingerprint'>): Promise<SshKeyEntity> {
    return this.rows.save({ ...key, teamId: team.teamId });
  }

  /** Servers that reach their machine with the key (whatever checked the key's team checked theirs). */
  serversUsing(id: string): Promise<number> {
    return this.manager.countBy(ServerEntity, { sshKeyId: id });
  }

  /** How many servers use each of the keys (keys no server uses are absent). */
  async serverCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const counts = (await this.manager
      .getRepository(ServerEntity)
      .createQueryBuilder('s')
      .select('s.ssh_key_id', 'keyId')
      .addSelect('count(*)::int', 'count')
      .where('s.ssh_key_id IN (:...ids)', { ids })
      .groupBy('s.ssh_key_id')
      .getRawMany()) as { keyId: string; count: number }[];
    return new Map(counts.map((c) => [c.keyId, c.count]));
  }
}
