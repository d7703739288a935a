import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { UserEntity } from '@zpanel/database';
import { Strategy } from 'passport-http-bearer';
import { DataSource } from 'typeorm';
import { AccessTokensService } from './access-tokens.service';
import { ApiTokensService } from './api-tokens.service';
import type { Caller } from './caller';

/**
 * `Authorization: Bearer <access token>` for people, `Bearer zp_…` for API tokens. A deleted user's
 * access tokens stop working at once.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly apiTokens: ApiTokensService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    super();
  }

  async validate(token: string): Promise<Caller> {
    if (token.startsWith('zp_')) return this.apiTokens.authenticate(token);
    const caller = this.accessTokens.verify(token);
    const exists = await this.dataSource.getRepository(UserEntity).existsBy({ id: caller.userId });
    if (!exists) throw new AppException(ErrorCode.Unauthorized, 'The account no longer exists');
    return caller;
  }
}
