import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { BearerAuthenticator } from '../access/bearer-authenticator.service';
import type { Caller } from '../access/caller';

/** `Authorization: Bearer <access token or zp_ API token>` on HTTP routes. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly authenticator: BearerAuthenticator) {
    super();
  }

  validate(token: string): Promise<Caller> {
    return this.authenticator.authenticate(token);
  }
}
