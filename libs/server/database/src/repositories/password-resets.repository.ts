import { type EntityTarget, IsNull } from 'typeorm';
import { PasswordResetEntity } from '../entities';
import { EntityRepository } from './entity-repository';

/** Password reset links (their hashes); rows belong to their user. */
export class PasswordResetsRepository extends EntityRepository<PasswordResetEntity> {
  protected readonly target: EntityTarget<PasswordResetEntity> = PasswordResetEntity;

  /** A new link for the user; their earlier unused links stop working (one valid link per person). */
  async issue(row: Pick<PasswordResetEntity, 'userId' | 'tokenHash' | 'expiresAt' | 'ip'>): Promise<void> {
    await this.rows.update({ userId: row.userId, usedAt: IsNull() }, { usedAt: new Date() });
    await this.rows.insert(row);
  }

  findByTokenHash(tokenHash: string): Promise<PasswordResetEntity | null> {
    return this.rows.findOneBy({ tokenHash });
  }

  /**
   * Spends the link if it is still unused and unexpired: of two concurrent uses exactly one gets
   * its user id, the other null.
   */
  async spend(tokenHash: string): Promise<string | null> {
    const rows = await this.rows
      .createQueryBuilder()
      .update()
      .set({ usedAt: () => 'now()' })
      .where('token_hash = :tokenHash AND used_at IS NULL AND expires_at > now()', { tokenHash })
      .returning(['userId'])
      .execute();
    const raw = rows.raw as Array<{ user_id?: string; userId?: string }>;
    return raw[0]?.user_id ?? raw[0]?.userId ?? null;
  }
}
