import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuditController } from '../audit/audit.controller';
import { ApiTokensController } from './api-tokens.controller';
import { InvitationsController, TeamInvitationsController } from './invitations.controller';
import { InvitationsService } from './invitations.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { TeamAccessService } from './team-access.service';
import { TeamsController } from './teams.controller';
import { TeamsService } from './teams.service';

@Module({
  imports: [AuthModule],
  controllers: [TeamsController, MembersController, TeamInvitationsController, InvitationsController, ApiTokensController, AuditController],
  providers: [TeamsService, MembersService, InvitationsService, TeamAccessService],
  exports: [TeamAccessService],
})
export class TeamsModule {}
