import { type EntityTarget, IsNull, MoreThan, Not } from 'typeorm';
import { RefreshTokenEntity } from '../entities';
import { EntityRepository } from './entity-repository';

/**
 * Refresh tokens, grouped in families: one family is one session (a login and every token rotated
 * from it). Rows belong to their user.
 */
export class RefreshTokensRepository extends EntityRepository<RefreshTokenEntity> {
  protected readonly target: EntityTarget<RefreshTokenEntity> = RefreshTokenEntity;

  async add(row: Pick<RefreshTokenEntity, 'userId' | 'familyId' | 'tokenHash' | 'expiresAt' | 'ip' | 'userAgent'>): Promise<void> {
    await this.rows.insert(row);
  }

  findByTokenHash(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.rows.findOneBy({ tokenHash });
  }

  /** Spends the token: of two concurrent uses exactly one gets true, the other is a reuse. */
  async spend(id: string): Promise<boolean> {
    const spent = await this.rows.update({ id, usedAt: IsNull() }, { usedAt: new Date() });
    return (spent.affected ?? 0) > 0;
  }

  /** Whether session `familyId` of the user is still on: some token of it neither revoked nor expired. */
  isLive(familyId: string, userId: string): Promise<boolean> {
    return this.rows.existsBy({ familyId, userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) });
  }

  /**
   * Whether `ip` is new for the user: `first` when they never had a session (their first sign-in
   * tells nobody), `seen` when a session of theirs came from it, else `new`. Sessions of any age count,
   * revoked and expired ones too.
   */
  async addressHistory(userId: string, ip: string): Promise<'first' | 'seen' | 'new'> {
    if (await this.rows.existsBy({ userId, ip })) return 'seen';
    return (await this.rows.existsBy({ userId })) ? 'new' : 'first';
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.rows.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Ends every session of the user. */
  async revokeAllOf(userId: string): Promise<void> {
    await this.rows.update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Ends every session of the user but `keepFamilyId`. */
  async revokeAllOfExcept(userId: string, keepFamilyId: string): Promise<void> {
    await this.rows.update({ userId, familyId: Not(keepFamilyId), revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
