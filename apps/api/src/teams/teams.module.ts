import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { RateLimitModule } from '../http/rate-limit.module';
import { InvitationsController, TeamInvitationsController } from './invitations.controller';
import { InvitationsService } from './invitations.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { TeamsController } from './teams.controller';
import { TeamsService } from './teams.service';

/** Teams, their members and invitations. AuthModule builds on it (first-run setup, registration by invitation). */
@Module({
  imports: [AccessModule, RateLimitModule],
  controllers: [TeamsController, MembersController, TeamInvitationsController, InvitationsController],
  providers: [TeamsService, MembersService, InvitationsService],
  exports: [TeamsService, InvitationsService],
})
export class TeamsModule {}
