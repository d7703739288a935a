import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessModule } from '../access/access.module';
import { RateLimitModule } from '../http/rate-limit.module';
import { TeamsModule } from '../teams/teams.module';
import { TwoFactorModule } from '../two-factor/two-factor.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { BearerAuthGuard } from './bearer-auth.guard';
import { BearerStrategy } from './bearer.strategy';
import { InvitationRegistrationController } from './invitation-registration.controller';
import { MeController } from './me.controller';
import { PasswordResetService } from './password-reset.service';
import { SessionsService } from './sessions.service';
import { SetupController } from './setup.controller';

/**
 * Signing in and out, sessions, first-run setup and registration by invitation, and the global guard
 * that authenticates every request through the access layer's BearerAuthenticator.
 */
@Module({
  imports: [PassportModule, AccessModule, RateLimitModule, TeamsModule, TwoFactorModule],
  controllers: [SetupController, AuthController, MeController, InvitationRegistrationController],
  providers: [SessionsService, AuthService, PasswordResetService, BearerStrategy, { provide: APP_GUARD, useClass: BearerAuthGuard }],
})
export class AuthModule {}
