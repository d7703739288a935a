import { AuditAction } from '@zpanel/contracts';
import { AuditService } from '../audit/audit.service';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, RECOVERY_CODE_COUNT, type RecoveryCodesResponse, type TwoFactorEnrollmentResponse } from '@zpanel/contracts';
import {
  type AppConfig,
  AppException,
  InjectConfig,
  SecretBox,
  generateRecoveryCodes,
  generateTotpSecret,
  deriveKey,
  hashRecoveryCode,
  otpauthUri,
  verifyPassword,
  verifyTotp,
} from '@zpanel/core';
import { RecoveryCodesRepository, type UserEntity, UsersRepository } from '@zpanel/database';
import { DataSource, type EntityManager } from 'typeorm';
import type { UserCaller } from '../access/caller';
import { type RateLimit, RateLimiter } from '../http/rate-limiter';
import { PersonalNotices } from '../mail/personal-notices.service';

/** The name authenticator apps list the account under. */
const ISSUER = 'Zpanel';
/** Steps accepted either side of the current one (±30 s) for clock drift and typing time. */
const TOTP_WINDOW = 1;
/** Wrong codes or passwords on the 2FA management endpoints, per user (login has its own limits). */
const MANAGEMENT_FAILURES = { limit: 10, windowMs: 60_000 };

/** Additional data the secret is sealed with: a sealed secret copied onto another user does not open. */
const secretAad = (userId: string) => `user:${userId}:totp`;
const isTotpShaped = (code: string) => /^\d{6}$/.test(code.replace(/\s/g, ''));

/**
 * TOTP two-factor authentication: enrollment (secret sealed in `users.totp_secret`, shown once),
 * confirmation with single-use recovery codes (only hashes stored), disabling, regenerating the
 * recovery codes, and the check at login. Every accepted TOTP step is recorded with a conditional
 * UPDATE and every recovery code is spent the same way, so neither can be used twice, even by two
 * concurrent requests.
 */
@Injectable()
export class TwoFactorService {
  private readonly recoveryKey: Buffer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly recoveryCodes: RecoveryCodesRepository,
    @InjectConfig() config: AppConfig,
    private readonly box: SecretBox,
    private readonly rateLimiter: RateLimiter,
    private readonly audit: AuditService,
    private readonly notices: PersonalNotices,
  ) {
    this.recoveryKey = deriveKey(config.security.secretKey, 'zpanel:recovery-codes:v1');
  }

  /** Generates a new secret and stores it sealed; 2FA stays off until a code confirms it. */
  async startEnrollment(caller: UserCaller): Promise<TwoFactorEnrollmentResponse> {
    const user = await this.loadUser(caller);
    if (user.totpEnabledAt) throw this.alreadyEnabled();
    const secret = generateTotpSecret();
    // Conditional, so a concurrent confirmation is never overwritten with an unconfirmed secret.
    if (!(await this.users.startTotpEnrollment(user.id, this.box.seal(secret, secretAad(user.id))))) throw this.alreadyEnabled();
    return { secret, otpauthUri: otpauthUri({ issuer: ISSUER, account: user.email, secret }) };
  }

  /** Turns 2FA on with a code for the pending secret; returns the recovery codes (shown once). */
  async confirm(caller: UserCaller, code: string): Promise<RecoveryCodesResponse> {
    const limit = this.failureLimit(caller.userId);
    await this.rateLimiter.assertBelow(limit);
    const user = await this.loadUser(caller);
    if (user.totpEnabledAt) throw this.alreadyEnabled();
    const sealed = user.totpSecret;
    if (!sealed) throw new AppException(ErrorCode.Conflict, 'No two-factor enrollment is pending: start one first');
    const step = verifyTotp(this.openSecret(user.id, sealed), code, { window: TOTP_WINDOW });
    if (step === null) {
      await this.rateLimiter.hit(limit);
      throw this.wrongCode('code', 'the code is wrong: check the time on your device and try the current code');
    }
    const recoveryCodes = generateRecoveryCodes(RECOVERY_CODE_COUNT);
    await this.dataSource.transaction(async (manager) => {
      // The secret must still be the one the code was checked against (no concurrent restart).
      if (!(await this.users.in(manager).enableTotp(user.id, sealed, step)))
        throw new AppException(ErrorCode.Conflict, 'The enrollment changed meanwhile: start it again');
      await this.replaceRecoveryCodes(manager, user.id, recoveryCodes);
      await this.audit.record({ action: AuditAction.TwoFactorEnabled, teamId: null, actor: caller }, manager);
    });
    await this.notices.twoFactorChanged(user.id, 'enabled');
    return { recoveryCodes };
  }

  /** Turns 2FA off: needs the password and a current code (TOTP or recovery code). */
  async disable(caller: UserCaller, password: string, code: string): Promise<void> {
    const limit = this.failureLimit(caller.userId);
    await this.rateLimiter.assertBelow(limit);
    const user = await this.loadUser(caller);
    if (!user.totpEnabledAt) throw this.notEnabled();
    if (!(await verifyPassword(user.passwordHash, password))) {
      await this.rateLimiter.hit(limit);
      throw new AppException(ErrorCode.InvalidCredentials, 'The password is wrong', [{ field: 'password', message: 'password is wrong' }]);
    }
    if (!(await this.consumeCode(user, code))) {
      await this.rateLimiter.hit(limit);
      throw this.wrongCode('code', 'the code is wrong or was already used');
    }
    await this.dataSource.transaction(async (manager) => {
      await this.users.in(manager).disableTotp(user.id);
      await this.recoveryCodes.in(manager).deleteAllOf(user.id);
      await this.audit.record({ action: AuditAction.TwoFactorDisabled, teamId: null, actor: caller }, manager);
    });
    await this.notices.twoFactorChanged(user.id, 'disabled');
  }

  /** New recovery codes replace the old ones; needs a current code (TOTP or recovery code). */
  async regenerateRecoveryCodes(caller: UserCaller, code: string): Promise<RecoveryCodesResponse> {
    const limit = this.failureLimit(caller.userId);
    await this.rateLimiter.assertBelow(limit);
    const user = await this.loadUser(caller);
    if (!user.totpEnabledAt) throw this.notEnabled();
    if (!(await this.consumeCode(user, code))) {
      await this.rateLimiter.hit(limit);
      throw this.wrongCode('code', 'the code is wrong or was already used');
    }
    const recoveryCodes = generateRecoveryCodes(RECOVERY_CODE_COUNT);
    await this.dataSource.transaction(async (manager) => {
      // Row lock: a concurrent disable either ran before (then 409) or waits for these codes.
      const current = await this.users.in(manager).lockById(user.id);
      if (!current?.totpEnabledAt) throw this.notEnabled();
      await this.replaceRecoveryCodes(manager, user.id, recoveryCodes);
      await this.audit.record({ action: AuditAction.RecoveryCodesRegenerated, teamId: null, actor: caller }, manager);
    });
    await this.notices.twoFactorChanged(user.id, 'recovery_codes_regenerated');
    return { recoveryCodes };
  }

  /** True when the code is right; a TOTP step or recovery code can be used only once. */
  async verifyForLogin(user: UserEntity, codes: { totpCode?: string; recoveryCode?: string }): Promise<boolean> {
    if (!user.totpEnabledAt) return false;
    if (codes.totpCode) return this.consumeTotp(user, codes.totpCode);
    if (codes.recoveryCode) return this.consumeRecoveryCode(user.id, codes.recoveryCode);
    return false;
  }

  /** Six digits are a TOTP code; anything else is tried as a recovery code. */
  private consumeCode(user: UserEntity, code: string): Promise<boolean> {
    return isTotpShaped(code) ? this.consumeTotp(user, code) : this.consumeRecoveryCode(user.id, code);
  }

  /**
   * Accepts a code for a step after the last accepted one and records its step. The UPDATE is
   * conditional on the stored step still being older, so of two concurrent logins with one code
   * exactly one succeeds.
   */
  private async consumeTotp(user: UserEntity, code: string): Promise<boolean> {
    const sealed = user.totpSecret;
    if (!user.totpEnabledAt || !sealed) return false;
    const lastStep = user.totpLastStep === null ? undefined : Number(user.totpLastStep);
    const step = verifyTotp(this.openSecret(user.id, sealed), code, { window: TOTP_WINDOW, notAfterStep: lastStep });
    if (step === null) return false;
    return this.users.recordTotpStep(user.id, sealed, step);
  }

  /** Spends an unused recovery code: `UPDATE … SET used_at = now() WHERE … AND used_at IS NULL`. */
  private consumeRecoveryCode(userId: string, code: string): Promise<boolean> {
    return this.recoveryCodes.spend(userId, hashRecoveryCode(code, this.recoveryKey));
  }

  private async replaceRecoveryCodes(manager: EntityManager, userId: string, codes: string[]): Promise<void> {
    await this.recoveryCodes.in(manager).replace(
      userId,
      codes.map((code) => hashRecoveryCode(code, this.recoveryKey)),
    );
  }

  private openSecret(userId: string, sealed: string): string {
    return this.box.open(sealed, secretAad(userId));
  }

  private async loadUser(caller: UserCaller): Promise<UserEntity> {
    const user = await this.users.findById(caller.userId);
    if (!user) throw new AppException(ErrorCode.SessionExpired, 'The session has ended: sign in again');
    return user;
  }

  /** The user id is a uuid, never raw input, so it is safe in a Redis key. */
  private failureLimit(userId: string): RateLimit {
    return { key: `two-factor:user:${userId}`, ...MANAGEMENT_FAILURES };
  }

  private wrongCode(field: string, message: string): AppException {
    return new AppException(ErrorCode.InvalidCredentials, 'Wrong two-factor code', [{ field, message }]);
  }

  private alreadyEnabled(): AppException {
    return new AppException(ErrorCode.Conflict, 'Two-factor authentication is already enabled: disable it first');
  }

  private notEnabled(): AppException {
    return new AppException(ErrorCode.Conflict, 'Two-factor authentication is not enabled');
  }
}
