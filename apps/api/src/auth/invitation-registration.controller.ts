import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SessionResponse } from '@zpanel/contracts';
import type { Request, Response } from 'express';
import { Public } from '../access/caller';
import { RateLimiter } from '../http/rate-limiter';
import { invitationAddressLimit } from '../teams/invitations.service';
import { RegisterWithInvitationDto } from '../teams/members.dto';
import { SessionDto } from './auth.dto';
import { AuthService } from './auth.service';
import { clientInfo } from './client-info';
import { deliverSession } from './refresh-cookie';

/** The invitee's side that signs in, so it is auth's; seeing and accepting an invitation are TeamsModule's. */
@ApiTags('invitations')
@Controller('invitations')
export class InvitationRegistrationController {
  constructor(
    private readonly auth: AuthService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  @Public()
  @Post('register')
  @ApiOperation({ summary: 'Create the invited email’s account, join the team and sign in' })
  @ApiCreatedResponse({ type: SessionDto })
  async register(@Body() body: RegisterWithInvitationDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionResponse> {
    await this.rateLimiter.consume(invitationAddressLimit(req.ip));
    const session = await this.auth.registerWithInvitation(body.token, { name: body.name, password: body.password }, clientInfo(req));
    return deliverSession(session, 'cookie', req, res);
  }
}
