import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditAction, ErrorCode, REFRESH_TOKEN_TTL_SECONDS } from '@zpanel/contracts';
import { AuditService } from '../audit/audit.service';
import { AccessChanges } from '../access/access-changes';
import { AppException, InjectLogger, generateOpaqueToken, hashOpaqueToken, isWellFormedToken } from '@zpanel/core';
import { RefreshTokensRepository } from '@zpanel/database';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
}

const expired = () => new AppException(ErrorCode.SessionExpired, 'The session has ended: sign in again');

/**
 * Rotating opaque refresh tokens. Each use spends the token and issues its successor in the same
 * family; presenting a spent token means it was copied, so the whole family is revoked and
 * whoever holds any of its tokens must sign in again.
 */
@Injectable()
export class SessionsService {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: RefreshTokensRepository,
    @InjectLogger() logger: Logger,
    private readonly audit: AuditService,
    private readonly accessChanges: AccessChanges,
  ) {
    this.logger = logger.child({ component: 'sessions' });
  }

  /** Starts a new session (family) for a fresh login, inside the transaction that records the sign-in. */
  start(manager: EntityManager, userId: string, client: ClientInfo): Promise<IssuedRefreshToken> {
    return this.issue(this.tokens.in(manager), userId, randomUUID(), client);
  }

  private async issue(tokens: RefreshTokensRepository, userId: string, familyId: string, client: ClientInfo): Promise<IssuedRefreshToken> {
    const token = generateOpaqueToken('zpr');
    const expiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000);
    await tokens.add({
      userId,
      familyId,
      tokenHash: hashOpaqueToken(token),
      expiresAt,
      ip: client.ip?.slice(0, 64) ?? null,
      userAgent: client.userAgent?.slice(0, 256) ?? null,
    });
    return { token, familyId, userId, expiresAt };
  }

  /** Spends `token` and returns its successor; a spent, revoked or unknown token ends the session. */
  async rotate(token: string, client: ClientInfo): Promise<IssuedRefreshToken> {
    if (!isWellFormedToken(token, 'zpr')) throw expired();
    const row = await this.tokens.findByTokenHash(hashOpaqueToken(token));
    if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) throw expired();

    // Conditional update: of two concurrent uses of one token exactly one wins; the other is reuse.
    if (!(await this.tokens.spend(row.id))) {
      await this.dataSource.transaction(async (manager) => {
        await this.tokens.in(manager).revokeFamily(row.familyId);
        await this.audit.record(
          { action: AuditAction.RefreshTokenReused, teamId: null, actor: null, target: { type: 'user', id: row.userId } },
          manager,
        );
      });
      await this.accessChanges.publish({ userId: row.userId });
      this.logger.warn({ userId: row.userId, familyId: row.familyId }, 'refresh token reused: session family revoked');
      throw expired();
    }
    return this.issue(this.tokens, row.userId, row.familyId, client);
  }

  /** Ends the session `token` belongs to (logout). Unknown tokens are ignored: logout always succeeds. */
  async endByToken(token: string): Promise<void> {
    if (!isWellFormedToken(token, 'zpr')) return;
    const row = await this.tokens.findByTokenHash(hashOpaqueToken(token));
    if (!row) return;
    await this.dataSource.transaction(async (manager) => {
      await this.tokens.in(manager).revokeFamily(row.familyId);
      await this.audit.record({ action: AuditAction.LoggedOut, teamId: null, actor: { kind: 'user', userId: row.userId } }, manager);
    });
    await this.accessChanges.publish({ userId: row.userId });
  }

  /**
   * Ends every session of a user except `keepFamilyId` (after a password change), inside the
   * caller's transaction; the caller publishes the access change once it has committed.
   */
  async revokeOthers(manager: EntityManager, userId: string, keepFamilyId: string): Promise<void> {
    await this.tokens.in(manager).revokeAllOfExcept(userId, keepFamilyId);
  }

  /** Tells open connections of `userId` to re-check their access (after a committed revocation). */
  publishAccessChange(userId: string): Promise<void> {
    return this.accessChanges.publish({ userId });
  }
}
