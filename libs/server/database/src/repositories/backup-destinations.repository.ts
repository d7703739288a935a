import type { EntityTarget } from 'typeorm';
import { BackupDestinationEntity } from '../entities';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

/** What a destination is saved with; the caller seals `secretAccessKey` and `dataKey` for the id it chose. */
export type BackupDestinationFields = Omit<BackupDestinationEntity, 'id' | 'teamId' | 'createdAt' | 'updatedAt'>;

/** The sealed columns, which no other finder selects. */
export interface SealedDestinationKeys {
  secretAccessKey: string | null;
  dataKey: string;
}

/**
 * Backup destinations of a team (the instance's own backups use its first team's). The secret key
 * and the data key are sealed and never selected by the finders; `sealedKeys` reads them for the
 * callers that open them.
 */
export class BackupDestinationsRepository extends TeamOwnedRepository<BackupDestinationEntity> {
  protected readonly target: EntityTarget<BackupDestinationEntity> = BackupDestinationEntity;
  readonly noun = 'backup destination';

  /** By name. */
  listOf(team: TeamScope): Promise<BackupDestinationEntity[]> {
    return this.rows.find({ where: this.scoped(team), order: { name: 'ASC', id: 'ASC' } });
  }

  countOf(team: TeamScope): Promise<number> {
    return this.rows.countBy(this.scoped(team));
  }

  /** Inserts with the id its secrets were sealed for. A taken name throws the unique violation (`backup_destinations_team_name_key`). */
  async add(team: TeamScope, id: string, fields: BackupDestinationFields): Promise<BackupDestinationEntity> {
    await this.rows.insert({ ...fields, id, teamId: this.teamIdOf(team) });
    return this.get(team, id);
  }

  async change(team: TeamScope, id: string, changes: Partial<BackupDestinationFields>): Promise<BackupDestinationEntity> {
    await this.rows.update(this.scoped(team, { id }), { ...changes, updatedAt: new Date() });
    return this.get(team, id);
  }

  /** Whether the name is another destination's of the team (for a 409 naming the field before the index refuses it). */
  async nameTaken(team: TeamScope, name: string, exceptId?: string): Promise<boolean> {
    const row = await this.rows.findOne({ where: this.scoped(team, { name }), select: { id: true } });
    return row !== null && row.id !== exceptId;
  }

  /** The sealed secret key (S3) and data key, or null when the destination is not the team's. */
  async sealedKeys(team: TeamScope, id: string): Promise<SealedDestinationKeys | null> {
    const row = await this.rows.findOne({ where: this.scoped(team, { id }), select: { id: true, secretAccessKey: true, dataKey: true } });
    return row ? { secretAccessKey: row.secretAccessKey, dataKey: row.dataKey } : null;
  }

  /** Destinations on a server (a server that holds one cannot be deleted). */
  countOnServer(serverId: string): Promise<number> {
    return this.rows.countBy({ serverId });
  }
}
