import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ability, ErrorCode, type Paginated, type PasswordResetResponse, Role, type TeamMemberDto } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { type Caller, CurrentCaller } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { ChangeMemberRoleDto, PasswordResetDoc, TeamMemberPageDoc } from './members.dto';
import { MembersService } from './members.service';
import { TeamAccessService } from '../access/team-access.service';
import { UuidParam } from '../access/team-params';

@ApiTags('teams')
@ApiBearerAuth()
@Controller('teams/:teamId/members')
export class MembersController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly members: MembersService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Members of the team with their role and whether they use 2FA' })
  @ApiOkResponse({ type: TeamMemberPageDoc })
  async list(@CurrentCaller() caller: Caller, @UuidParam('teamId') teamId: string, @Query() query: PageQueryDto): Promise<Paginated<TeamMemberDto>> {
    const actor = await this.access.require(caller, teamId, Ability.Read);
    return this.members.list(actor.team, query, { showTwoFactor: actor.abilities.includes(Ability.Admin) });
  }

  @Patch(':userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Change a member's role (admins; only owners touch the owner role; the last owner stays)" })
  @ApiNoContentResponse()
  async changeRole(
    @CurrentCaller() caller: Caller,
    @UuidParam('teamId') teamId: string,
    @UuidParam('userId') userId: string,
    @Body() body: ChangeMemberRoleDto,
  ): Promise<void> {
    const actor = await this.access.require(caller, teamId, Ability.Admin);
    await this.members.changeRole(caller, actor.role, actor.team, userId, body.role);
  }

  @Post(':userId/password-reset')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Set a temporary password for a member and sign them out (owners of every team the member is in)' })
  @ApiOkResponse({ type: PasswordResetDoc })
  async resetPassword(
    @CurrentCaller() caller: Caller,
    @UuidParam('teamId') teamId: string,
    @UuidParam('userId') userId: string,
  ): Promise<PasswordResetResponse> {
    const actor = await this.access.require(caller, teamId, Ability.Admin);
    if (caller.kind !== 'user' || actor.role !== Role.Owner)
      throw new AppException(ErrorCode.Forbidden, 'Only a team owner, signed in, can reset a password');
    return { temporaryPassword: await this.members.resetPassword(caller, actor.team, userId) };
  }

  @Delete(':userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a member (admins), or leave the team (your own id); the last owner cannot' })
  @ApiNoContentResponse()
  async remove(@CurrentCaller() caller: Caller, @UuidParam('teamId') teamId: string, @UuidParam('userId') userId: string): Promise<void> {
    // Leaving needs no more than being in the team; removing someone else needs the admin ability.
    const leaving = caller.kind === 'user' && caller.userId === userId;
    const actor = await this.access.require(caller, teamId, leaving ? Ability.Read : Ability.Admin);
    await this.members.remove(caller, actor.role, actor.team, userId);
  }
}
