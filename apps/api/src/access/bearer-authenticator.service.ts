import { Injectable } from '@nestjs/common';
import { ErrorCode, ROLE_ABILITIES } from '@zpanel/contracts';
import { AppException, hashOpaqueToken, isWellFormedToken } from '@zpanel/core';
import { ApiTokensRepository, RefreshTokensRepository, TeamMembersRepository } from '@zpanel/database';
import { RateLimiter } from '../http/rate-limiter';
import { AccessTokensService } from './access-tokens.service';
import type { Caller, TokenCaller, UserCaller } from './caller';

/** Requests per minute one API token may make; a runaway script must not starve the instance. */
const TOKEN_REQUESTS_PER_MINUTE = 600;
/** `last_used_at` is written at most this often per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

const invalidApiToken = () => new AppException(ErrorCode.Unauthorized, 'The API token is not valid (unknown, revoked or expired)');

/**
 * Turns a bearer credential into a caller, for HTTP (the passport strategy) and for the socket.io
 * handshake alike: `zp_…` is an API token, anything else an access token. An access token works only
 * while its session does: after logout, a revoked session or the account's deletion it is refused at
 * once (one indexed lookup, which replaced the former per-request lookup of the user).
 */
@Injectable()
export class BearerAuthenticator {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly apiTokens: ApiTokensRepository,
    private readonly members: TeamMembersRepository,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async authenticate(token: string): Promise<Caller> {
    return (await this.authenticateWithExpiry(token)).caller;
  }

  /** Also says when the credential expires (none: never), for connections that outlive a request (live sockets). */
  async authenticateWithExpiry(token: string): Promise<{ caller: Caller; expiresAt?: Date }> {
    if (token.startsWith('zp_')) {
      const { caller, expiresAt } = await this.authenticateApiToken(token);
      return { caller, expiresAt: expiresAt ?? undefined };
    }
    const { expiresAt, ...caller } = await this.authenticateAccessToken(token);
    return { caller, expiresAt };
  }

  private async authenticateAccessToken(token: string): Promise<UserCaller & { expiresAt: Date }> {
    const caller = await this.accessTokens.verify(token);
    // The session (refresh-token family) must still be on: some token of it neither revoked nor
    // expired. Logout, reuse detection, a password change elsewhere and deleting the account (rows
    // cascade) all end it at once, not when the access token expires.
    if (!(await this.refreshTokens.isLive(caller.sessionId, caller.userId)))
      throw new AppException(ErrorCode.Unauthorized, 'The session has ended: sign in again');
    return caller;
  }

  /** Resolves a `zp_` token to a caller whose abilities never exceed its creator's current role. */
  private async authenticateApiToken(token: string): Promise<{ caller: TokenCaller; expiresAt: Date | null }> {
    if (!isWellFormedToken(token, 'zp')) throw invalidApiToken();
    const row = await this.apiTokens.findByTokenHash(hashOpaqueToken(token));
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) throw invalidApiToken();
    const membership = await this.members.membershipFor(row.teamId, row.createdBy);
    // The creator left the team: the token goes with them.
    if (!membership) throw invalidApiToken();
    await this.rateLimiter.consume({ key: `token:${row.id}`, limit: TOKEN_REQUESTS_PER_MINUTE, windowMs: 60_000 });
    await this.apiTokens.touchLastUsed(row.id, LAST_USED_RESOLUTION_MS);
    const allowed = ROLE_ABILITIES[membership.role];
    const caller: TokenCaller = {
      kind: 'token',
      tokenId: row.id,
      teamId: row.teamId,
      userId: row.createdBy,
      abilities: row.abilities.filter((a) => allowed.includes(a)),
    };
    return { caller, expiresAt: row.expiresAt };
  }
}
