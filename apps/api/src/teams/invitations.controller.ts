import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiGoneResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Ability,
  type CreatedInvitationResponse,
  type InvitationDto,
  type InvitationPreviewResponse,
  type Paginated,
  type TeamMembershipDto,
} from '@zpanel/contracts';
import type { Request } from 'express';
import { type Caller, CurrentCaller, CurrentUser, Public, type UserCaller } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { RateLimiter } from '../http/rate-limiter';
import { CreatedInvitationDoc, InvitationPageDoc, InvitationPreviewDoc, InvitationTokenDto, InviteMemberDto } from './members.dto';
import { InvitationsService, invitationAddressLimit } from './invitations.service';
import { TeamMembershipDoc } from './teams.dto';
import { TeamAccessService } from '../access/team-access.service';
import { UuidParam } from '../access/team-params';

@ApiTags('teams')
@ApiBearerAuth()
@Controller('teams/:teamId/invitations')
export class TeamInvitationsController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly invitations: InvitationsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Invitations of the team, newest first (admins)' })
  @ApiOkResponse({ type: InvitationPageDoc })
  async list(@CurrentCaller() caller: Caller, @UuidParam('teamId') teamId: string, @Query() query: PageQueryDto): Promise<Paginated<InvitationDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Admin);
    return this.invitations.list(team, query);
  }

  @Post()
  @ApiOperation({
    summary:
      'Invite an email address with a role; the token is returned once, and the link emailed when the instance has SMTP settings and a public URL (`emailed`)',
  })
  @ApiCreatedResponse({ type: CreatedInvitationDoc })
  async create(
    @CurrentCaller() caller: Caller,
    @UuidParam('teamId') teamId: string,
    @Body() body: InviteMemberDto,
  ): Promise<CreatedInvitationResponse> {
    const actor = await this.access.require(caller, teamId, Ability.Admin);
    return this.invitations.create(caller, actor, body);
  }

  @Post(':invitationId/resend')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Give a pending invitation a new link (the old one stops working) and a new expiry, emailed again when the instance can send email',
  })
  @ApiOkResponse({ type: CreatedInvitationDoc })
  async resend(
    @CurrentCaller() caller: Caller,
    @UuidParam('teamId') teamId: string,
    @UuidParam('invitationId') id: string,
  ): Promise<CreatedInvitationResponse> {
    const actor = await this.access.require(caller, teamId, Ability.Admin);
    return this.invitations.resend(caller, actor, id);
  }

  @Delete(':invitationId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke a pending invitation' })
  @ApiNoContentResponse()
  async revoke(@CurrentCaller() caller: Caller, @UuidParam('teamId') teamId: string, @UuidParam('invitationId') id: string): Promise<void> {
    const { team } = await this.access.require(caller, teamId, Ability.Admin);
    await this.invitations.revoke(caller, team, id);
  }
}

/** The invitee's side: see the invitation, or accept it signed in (registering with it is AuthModule's). */
@ApiTags('invitations')
@Controller('invitations')
export class InvitationsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  /** A POST so the token travels in the body: a query string ends up in access logs and proxies' logs. */
  @Public()
  @Post('preview')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'What an invitation token is for (public, rate-limited)' })
  @ApiOkResponse({ type: InvitationPreviewDoc })
  @ApiGoneResponse({ type: ProblemResponseDto, description: 'Used, revoked or expired' })
  async preview(@Body() body: InvitationTokenDto, @Req() req: Request): Promise<InvitationPreviewResponse> {
    await this.rateLimiter.consume(invitationAddressLimit(req.ip));
    return this.invitations.preview(body.token);
  }

  @ApiBearerAuth()
  @Post('accept')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Accept an invitation, signed in as the invited email' })
  @ApiOkResponse({ type: TeamMembershipDoc })
  async accept(@CurrentUser() caller: UserCaller, @Body() body: InvitationTokenDto, @Req() req: Request): Promise<TeamMembershipDto> {
    await this.rateLimiter.consume(invitationAddressLimit(req.ip));
    return this.invitations.acceptAs(caller.userId, body.token);
  }
}
