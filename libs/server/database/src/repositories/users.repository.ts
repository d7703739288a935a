import type { EntityTarget } from 'typeorm';
import { UserEntity } from '../entities';
import { EntityRepository } from './entity-repository';

/** Serialises first-run setup: of two concurrent owner requests exactly one succeeds. */
const SETUP_LOCK_KEY = 7_301_526_418;

/** Accounts. A user owns their own rows (sessions, recovery codes); no team scope applies. */
export class UsersRepository extends EntityRepository<UserEntity> {
  protected readonly target: EntityTarget<UserEntity> = UserEntity;

  anyExists(): Promise<boolean> {
    return this.rows.exists();
  }

  /** Holds first-run setup to one caller at a time, until the surrounding transaction ends. */
  async lockSetup(): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock($1)', [SETUP_LOCK_KEY]);
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.rows.findOneBy({ id });
  }

  /** The user, or TypeORM's not-found error (a 404) for an id that has gone. */
  getById(id: string): Promise<UserEntity> {
    return this.rows.findOneByOrFail({ id });
  }

  /** Emails are matched case-insensitively, as people type them. */
  findByEmail(email: string): Promise<UserEntity | null> {
    return this.rows.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  emailTaken(email: string): Promise<boolean> {
    return this.rows.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getExists();
  }

  create(input: { email: string; name: string; passwordHash: string }): Promise<UserEntity> {
    return this.rows.save({ ...input, passwordChangedAt: new Date() });
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.rows.update({ id }, { passwordHash, passwordChangedAt: new Date() });
  }

  /** Display names by id, for lists that show who did something; nulls and unknown ids are left out. */
  async namesOf(ids: Iterable<string | null>): Promise<Map<string, string>> {
    const unique = [...new Set(ids)].filter((id): id is string => id !== null);
    const users = unique.length ? await this.rows.findBy(unique.map((id) => ({ id }))) : [];
    return new Map(users.map((u) => [u.id, u.name]));
  }

  /**
   * Stores a new, unconfirmed TOTP secret. Conditional, so a concurrent confirmation is never
   * overwritten with an unconfirmed secret: false when 2FA is already on.
   */
  async startTotpEnrollment(id: string, sealedSecret: string): Promise<boolean> {
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set({ totpSecret: sealedSecret, totpLastStep: null })
      .where('id = :id AND totp_enabled_at IS NULL', { id })
      .execute();
    return result.affected === 1;
  }

  /** Turns 2FA on at `step`, only while the secret is still `sealedSecret` (no concurrent restart). */
  async enableTotp(id: string, sealedSecret: string, step: number): Promise<boolean> {
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set({ totpEnabledAt: () => 'now()', totpLastStep: String(step) })
      .where('id = :id AND totp_enabled_at IS NULL AND totp_secret = :sealed', { id, sealed: sealedSecret })
      .execute();
    return result.affected === 1;
  }

  async disableTotp(id: string): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .update()
      .set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
      .where('id = :id', { id })
      .execute();
  }

  /**
   * Records an accepted TOTP step, only when it is after the last one and the secret is unchanged:
   * of two concurrent uses of one code exactly one succeeds.
   */
  async recordTotpStep(id: string, sealedSecret: string, step: number): Promise<boolean> {
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set({ totpLastStep: String(step) })
      .where('id = :id AND totp_enabled_at IS NOT NULL AND totp_secret = :sealed AND (totp_last_step IS NULL OR totp_last_step < :step)', {
        id,
        sealed: sealedSecret,
        step: String(step),
      })
      .execute();
    return result.affected === 1;
  }

  /** The user, row-locked until the surrounding transaction ends. */
  lockById(id: string): Promise<UserEntity | null> {
    return this.rows.createQueryBuilder('u').setLock('pessimistic_write').where('u.id = :id', { id }).getOne();
  }
}
