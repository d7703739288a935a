import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AuthModule } from '../auth/auth.module';
import { InvitationsController, TeamInvitationsController } from './invitations.controller';
import { InvitationsService } from './invitations.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { TeamsController } from './teams.controller';
import { TeamsService } from './teams.service';

@Module({
  imports: [AccessModule, AuthModule],
  controllers: [TeamsController, MembersController, TeamInvitationsController, InvitationsController],
  providers: [TeamsService, MembersService, InvitationsService],
})
export class TeamsModule {}
