import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiGoneResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Ability,
  type CreatedInvitationResponse,
  type InvitationDto,
  type InvitationPreviewResponse,
  type Paginated,
  type SessionResponse,
  type TeamMembershipDto,
} from '@zpanel/contracts';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { InjectDataSource } from '@nestjs/typeorm';
import { SessionDto } from '../auth/auth.dto';
import { AuthService } from '../auth/auth.service';
import { type Caller, CurrentCaller, CurrentUser, Public, type UserCaller } from '../access/caller';
import { clientInfo } from '../auth/client-info';
import { TeamMembershipDoc } from '../auth/me.dto';
import { deliverSession } from '../auth/refresh-cookie';
import { PageQueryDto } from '../http/pagination';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import {
  CreatedInvitationDoc,
  InvitationPageDoc,
  InvitationPreviewDoc,
  InvitationTokenDto,
  InviteMemberDto,
  RegisterWithInvitationDto,
} from './members.dto';
import { InvitationsService } from './invitations.service';
import { TeamAccessService } from '../access/team-access.service';
import { uuidParam } from '../access/team-params';

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
  async list(
    @CurrentCaller() caller: Caller,
    @Param('teamId', uuidParam('teamId')) teamId: string,
    @Query() query: PageQueryDto,
  ): Promise<Paginated<InvitationDto>> {
    const { team } = await this.access.require(caller, teamId, Ability.Admin);
    return this.invitations.list(team, query);
  }

  @Post()
  @ApiOperation({ summary: 'Invite an email address with a role; the token is returned once' })
  @ApiCreatedResponse({ type: CreatedInvitationDoc })
  async create(
    @CurrentCaller() caller: Caller,
    @Param('teamId', uuidParam('teamId')) teamId: string,
    @Body() body: InviteMemberDto,
  ): Promise<CreatedInvitationResponse> {
    const actor = await this.access.require(caller, teamId, Ability.Admin);
    return this.invitations.create(caller, actor, body);
  }

  @Delete(':invitationId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke a pending invitation' })
  @ApiNoContentResponse()
  async revoke(
    @CurrentCaller() caller: Caller,
    @Param('teamId', uuidParam('teamId')) teamId: string,
    @Param('invitationId', uuidParam('invitationId')) id: string,
  ): Promise<void> {
    const { team } = await this.access.require(caller, teamId, Ability.Admin);
    await this.invitations.revoke(caller, team, id);
  }
}

/** The invitee's side: see the invitation, accept it signed in, or register with it. */
@ApiTags('invitations')
@Controller('invitations')
export class InvitationsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly auth: AuthService,
    private readonly rateLimiter: RateLimiter,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  private limit(req: Request): Promise<void> {
    return this.rateLimiter.consume({ key: `invitation:address:${req.ip ?? 'unknown'}`, limit: 30, windowMs: 60_000 });
  }

  /** A POST so the token travels in the body: a query string ends up in access logs and proxies' logs. */
  @Public()
  @Post('preview')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'What an invitation token is for (public, rate-limited)' })
  @ApiOkResponse({ type: InvitationPreviewDoc })
  @ApiGoneResponse({ type: ProblemResponseDto, description: 'Used, revoked or expired' })
  async preview(@Body() body: InvitationTokenDto, @Req() req: Request): Promise<InvitationPreviewResponse> {
    await this.limit(req);
    return this.invitations.preview(body.token);
  }

  @ApiBearerAuth()
  @Post('accept')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Accept an invitation, signed in as the invited email' })
  @ApiOkResponse({ type: TeamMembershipDoc })
  async accept(@CurrentUser() caller: UserCaller, @Body() body: InvitationTokenDto, @Req() req: Request): Promise<TeamMembershipDto> {
    await this.limit(req);
    const user = await this.auth.findUser(caller.userId);
    return this.dataSource.transaction((manager) => this.invitations.accept(manager, body.token, user));
  }

  @Public()
  @Post('register')
  @ApiOperation({ summary: 'Create the invited email’s account, join the team and sign in' })
  @ApiCreatedResponse({ type: SessionDto })
  async register(@Body() body: RegisterWithInvitationDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionResponse> {
    await this.limit(req);
    const user = await this.dataSource.transaction(async (manager) => {
      const invitation = await this.invitations.findPending(manager, body.token);
      const created = await this.auth.createUser(manager, { email: invitation.email, name: body.name, password: body.password });
      await this.invitations.accept(manager, body.token, created);
      return created;
    });
    return deliverSession(await this.auth.signInAs(user, clientInfo(req), 'invitation'), 'cookie', req, res);
  }
}
