import type { EntityTarget } from 'typeorm';
import { RecoveryCodeEntity } from '../entities';
import { EntityRepository } from './entity-repository';

/** A user's two-factor recovery codes, by hash only. */
export class RecoveryCodesRepository extends EntityRepository<RecoveryCodeEntity> {
  protected readonly target: EntityTarget<RecoveryCodeEntity> = RecoveryCodeEntity;

  /** The user's codes become exactly these (run it in a transaction). */
  async replace(userId: string, codeHashes: string[]): Promise<void> {
    await this.rows.delete({ userId });
    await this.rows.insert(codeHashes.map((codeHash) => ({ userId, codeHash })));
  }

  async deleteAllOf(userId: string): Promise<void> {
    await this.rows.delete({ userId });
  }

  /** Spends an unused code: `UPDATE … SET used_at = now() WHERE … AND used_at IS NULL`, so it works once. */
  async spend(userId: string, codeHash: string): Promise<boolean> {
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set({ usedAt: () => 'now()' })
      .where('user_id = :userId AND code_hash = :codeHash AND used_at IS NULL', { userId, codeHash })
      .execute();
    return result.affected === 1;
  }
}
