import type { Ability } from '@zpanel/contracts';
import { type EntityTarget, IsNull, LessThan } from 'typeorm';
import { ApiTokenEntity } from '../entities';
import { type PageWindow, TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

export class ApiTokensRepository extends TeamOwnedRepository<ApiTokenEntity> {
  protected readonly target: EntityTarget<ApiTokenEntity> = ApiTokenEntity;
  readonly noun = 'API token';

  /** The token a bearer credential hashes to: the credential names its team, no scope is known yet. */
  findByTokenHash(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.rows.findOneBy({ tokenHash });
  }

  /** Writes `last_used_at` when it is unset or older than `resolutionMs`, not on every request. */
  async touchLastUsed(id: string, resolutionMs: number): Promise<void> {
    await this.rows.update({ id, lastUsedAt: IsNull() }, { lastUsedAt: new Date() });
    await this.rows.update({ id, lastUsedAt: LessThan(new Date(Date.now() - resolutionMs)) }, { lastUsedAt: new Date() });
  }

  create(
    team: TeamScope,
    input: { createdBy: string; name: string; abilities: Ability[]; tokenHash: string; tokenPrefix: string; expiresAt: Date | null },
  ): Promise<ApiTokenEntity> {
    return this.rows.save({ ...input, teamId: team.teamId });
  }

  /** Newest first; only `createdBy`'s own tokens when given. */
  pageNewestFirst(team: TeamScope, window: PageWindow, createdBy?: string): Promise<[ApiTokenEntity[], number]> {
    return this.page(team, window, { createdAt: 'DESC', id: 'ASC' }, createdBy === undefined ? {} : { createdBy });
  }

  async revoke(team: TeamScope, id: string): Promise<void> {
    await this.rows.update(this.scoped(team, { id, revokedAt: IsNull() }), { revokedAt: new Date() });
  }
}
