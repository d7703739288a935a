import { Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_TTL_SECONDS, ErrorCode } from '@zpanel/contracts';
import { type AppConfig, AppException, InjectConfig, JwtError, deriveKey, signJwt, verifyJwt } from '@zpanel/core';
import type { UserCaller } from './caller';

/** Short-lived signed access tokens; the key is derived from the instance key, never the key itself. */
@Injectable()
export class AccessTokensService {
  private readonly key: Buffer;

  constructor(@InjectConfig() config: AppConfig) {
    this.key = deriveKey(config.security.secretKey, 'zpanel:jwt:access:v1');
  }

  /** The token names its session (`sid`): BearerAuthenticator refuses it once that session has ended. */
  issue(userId: string, sessionId: string): Promise<{ token: string; expiresAt: Date }> {
    return signJwt({ sub: userId, sid: sessionId, typ: 'access' }, this.key, ACCESS_TOKEN_TTL_SECONDS);
  }

  /** Signature, type and lifetime only (never longer than ACCESS_TOKEN_TTL_SECONDS, whatever `exp` says). */
  async verify(token: string): Promise<UserCaller & { expiresAt: Date }> {
    let claims: Record<string, unknown>;
    try {
      claims = await verifyJwt(token, this.key, { maxLifetimeSeconds: ACCESS_TOKEN_TTL_SECONDS });
    } catch (error) {
      if (error instanceof JwtError && error.reason === 'expired')
        throw new AppException(ErrorCode.SessionExpired, 'The access token has expired: refresh the session');
      throw new AppException(ErrorCode.Unauthorized, 'The access token is not valid');
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') {
      throw new AppException(ErrorCode.Unauthorized, 'The access token is not valid');
    }
    return { kind: 'user', userId: claims.sub, sessionId: claims.sid, expiresAt: new Date((claims.exp as number) * 1000) };
  }
}
