import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditAction, PASSWORD_RESET_PATH } from '@zpanel/contracts';
import {
  type AppConfig,
  AppException,
  InjectConfig,
  InjectLogger,
  generateOpaqueToken,
  hashOpaqueToken,
  hashPassword,
  isWellFormedToken,
  passwordProblems,
} from '@zpanel/core';
import { PasswordResetsRepository, RefreshTokensRepository, UsersRepository } from '@zpanel/database';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { type RateLimit, RateLimiter } from '../http/rate-limiter';
import { Mailer } from '../mail/mailer.service';
import { SessionsService } from './sessions.service';

const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

/** Reset requests per client address (whatever the addresses asked for). */
export const RESET_ADDRESS_LIMIT = { limit: 10, windowMs: 15 * 60_000 };
/** Reset requests per email address (whoever asks): a person's inbox is not flooded. */
export const RESET_EMAIL_LIMIT = { limit: 3, windowMs: 15 * 60_000 };
/** Confirmations per client address (a token cannot be guessed; this bounds the hashing work). */
const CONFIRM_ADDRESS_LIMIT = { limit: 30, windowMs: 60_000 };

const invalidToken = () =>
  AppException.validation([{ field: 'token', message: 'This reset link is not valid, was already used, or has expired: ask for a new one' }]);

/**
 * Self-service password reset (docs/security.md, "Password reset"). A request is answered the same
 * (202, same words, no lookup before the answer) whether or not an account has the address; the
 * link is made and emailed after the answer, only for an existing account and only when the
 * instance has SMTP settings and a public URL. A link is a single-use `zpp_` token (only its hash
 * stored) that expires after PASSWORD_RESET_TTL_MINUTES; using it sets the password and ends
 * every session. Two-factor authentication stays on.
 */
@Injectable()
export class PasswordResetService {
  private readonly log: Logger;
  private readonly ttlMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly resets: PasswordResetsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly sessions: SessionsService,
    private readonly rateLimiter: RateLimiter,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    @InjectConfig() config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'password-reset' });
    this.ttlMs = config.security.passwordResetTtlMs;
  }

  /** What every request is answered with. */
  get answer(): string {
    const minutes = Math.round(this.ttlMs / 60_000);
    return `If an account exists for this address, we sent it a link to set a new password. The link works once, for ${minutes} minutes.`;
  }

  /**
   * Counts the request (429 past a limit, the same for any address), then starts the lookup and the
   * email without waiting for them: the answer takes the same time for an unknown address.
   */
  async request(email: string, ip: string | undefined): Promise<void> {
    await this.rateLimiter.consume(this.limit('address', ip ?? 'unknown', RESET_ADDRESS_LIMIT));
    await this.rateLimiter.consume(this.limit('email', email.toLowerCase(), RESET_EMAIL_LIMIT));
    void this.issue(email, ip).catch((error: unknown) => this.log.warn({ err: error }, 'password reset link not issued'));
  }

  /** Sets the password through a link; 400 naming `token` or `password`. */
  async confirm(token: string, password: string, ip: string | undefined): Promise<void> {
    await this.rateLimiter.consume(this.limit('confirm', ip ?? 'unknown', CONFIRM_ADDRESS_LIMIT));
    if (!isWellFormedToken(token, 'zpp')) throw invalidToken();
    const tokenHash = hashOpaqueToken(token);
    const row = await this.resets.findByTokenHash(tokenHash);
    if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) throw invalidToken();
    const user = await this.users.findById(row.userId);
    if (!user) throw invalidToken();
    // Checked before the link is spent: a refused password leaves the link usable.
    const problems = passwordProblems(password, user);
    if (problems.length > 0) throw AppException.validation(problems.map((message) => ({ field: 'password', message })));
    const passwordHash = await hashPassword(password);
    await this.dataSource.transaction(async (manager) => {
      // Conditional: of two uses of one link exactly one sets the password.
      const userId = await this.resets.in(manager).spend(tokenHash);
      if (userId !== user.id) throw invalidToken();
      await this.users.in(manager).setPassword(user.id, passwordHash);
      await this.refreshTokens.in(manager).revokeAllOf(user.id);
      await this.audit.record(
        { action: AuditAction.PasswordResetCompleted, teamId: null, actor: { kind: 'user', userId: user.id }, target: { type: 'user', id: user.id } },
        manager,
      );
    });
    // Open sockets and live subscriptions of the person end now, as after "sign out everywhere".
    await this.sessions.publishAccessChange(user.id);
  }

  private async issue(email: string, ip: string | undefined): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user) return;
    const status = await this.mailer.status();
    const base = status.smtp ? Mailer.link(status, PASSWORD_RESET_PATH) : null;
    if (!base) {
      this.log.info('password reset asked for an account, but the instance has no SMTP settings or public URL: nothing sent');
      return;
    }
    const token = generateOpaqueToken('zpp');
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.dataSource.transaction(async (manager) => {
      await this.resets.in(manager).issue({ userId: user.id, tokenHash: hashOpaqueToken(token), expiresAt, ip: ip?.slice(0, 64) ?? null });
      await this.audit.record(
        { action: AuditAction.PasswordResetRequested, teamId: null, actor: null, target: { type: 'user', id: user.id } },
        manager,
      );
    });
    const minutes = Math.round(this.ttlMs / 60_000);
    await this.mailer.send({
      to: user.email,
      subject: 'Zpanel: reset your password',
      text: [
        `Someone (we hope you) asked to reset the password of your Zpanel account (${user.email}) from ${ip ?? 'an unknown address'}.`,
        '',
        `Open this link to set a new password. It works once, for ${minutes} minutes:`,
        `${base}#token=${token}`,
        '',
        'Setting a new password signs you out everywhere. Two-factor authentication, if you use it, stays on.',
        'If you did not ask for this, ignore this email: your password stays as it is.',
        '',
      ].join('\n'),
    });
  }

  private limit(kind: string, value: string, limit: { limit: number; windowMs: number }): RateLimit {
    return { key: `password-reset:${kind}:${digest(value)}`, ...limit };
  }
}
