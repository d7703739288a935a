import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessModule } from '../access/access.module';
import { ApiTokensModule } from '../api-tokens/api-tokens.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { TwoFactorModule } from '../two-factor/two-factor.module';
import { AccessTokensService } from './access-tokens.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { BearerAuthGuard } from './bearer-auth.guard';
import { BearerAuthenticator } from './bearer-authenticator.service';
import { BearerStrategy } from './bearer.strategy';
import { MeController } from './me.controller';
import { SessionsService } from './sessions.service';
import { SetupController } from './setup.controller';

@Module({
  imports: [PassportModule, AccessModule, ApiTokensModule, RateLimitModule, TwoFactorModule],
  controllers: [SetupController, AuthController, MeController],
  providers: [
    AccessTokensService,
    SessionsService,
    AuthService,
    BearerAuthenticator,
    BearerStrategy,
    { provide: APP_GUARD, useClass: BearerAuthGuard },
  ],
  exports: [AccessTokensService, AuthService, BearerAuthenticator, RateLimitModule],
})
export class AuthModule {}
