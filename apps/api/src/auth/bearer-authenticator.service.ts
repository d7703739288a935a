import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { AccessTokensService } from './access-tokens.service';
import { ApiTokensService } from '../api-tokens/api-tokens.service';
import type { Caller, UserCaller } from '../access/caller';
import { SessionsService } from './sessions.service';

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
    private readonly apiTokens: ApiTokensService,
    private readonly sessions: SessionsService,
  ) {}

  async authenticate(token: string): Promise<Caller> {
    return token.startsWith('zp_') ? this.apiTokens.authenticate(token) : this.authenticateAccessToken(token);
  }

  /** Also says when the token expires, for connections that outlive a request (live sockets). */
  async authenticateAccessToken(token: string): Promise<UserCaller & { expiresAt: Date }> {
    const caller = await this.accessTokens.verify(token);
    if (!(await this.sessions.isLive(caller.sessionId, caller.userId)))
      throw new AppException(ErrorCode.Unauthorized, 'The session has ended: sign in again');
    return caller;
  }
}
