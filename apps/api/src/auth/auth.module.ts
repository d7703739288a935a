import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import { AccessChanges } from './access-changes';
import { AccessTokensService } from './access-tokens.service';
import { ApiTokensService } from './api-tokens.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { BearerAuthGuard } from './bearer-auth.guard';
import { BearerAuthenticator } from './bearer-authenticator.service';
import { BearerStrategy } from './bearer.strategy';
import { MeController } from './me.controller';
import { SessionsService } from './sessions.service';
import { SetupController } from './setup.controller';
import { TwoFactorController } from '../two-factor/two-factor.controller';
import { TwoFactorService } from '../two-factor/two-factor.service';

@Module({
  imports: [PassportModule],
  controllers: [SetupController, AuthController, MeController, TwoFactorController],
  providers: [
    AccessChanges,
    AccessTokensService,
    ApiTokensService,
    SessionsService,
    AuthService,
    BearerAuthenticator,
    BearerStrategy,
    RateLimiter,
    TwoFactorService,
    { provide: APP_GUARD, useClass: BearerAuthGuard },
  ],
  exports: [AccessChanges, AccessTokensService, ApiTokensService, AuthService, BearerAuthenticator, RateLimiter],
})
export class AuthModule {}
