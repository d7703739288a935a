import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { UserEntity } from '@zpanel/database';
import { DataSource } from 'typeorm';
import { AccessTokensService } from './access-tokens.service';
import { ApiTokensService } from './api-tokens.service';
import type { Caller } from './caller';

/**
 * Turns a bearer credential into a caller, for HTTP (the passport strategy) and for the socket.io
 * handshake alike: `zp_…` is an API token, anything else an access token. A deleted user's access
 * tokens stop working at once.
 */
@Injectable()
export class BearerAuthenticator {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly apiTokens: ApiTokensService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async authenticate(token: string): Promise<Caller> {
    if (token.startsWith('zp_')) return this.apiTokens.authenticate(token);
    const caller = this.accessTokens.verify(token);
    const exists = await this.dataSource.getRepository(UserEntity).existsBy({ id: caller.userId });
    if (!exists) throw new AppException(ErrorCode.Unauthorized, 'The account no longer exists');
    return caller;
  }
}
