import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SessionResponse, SetupStatusResponse } from '@zpanel/contracts';
import type { Request, Response } from 'express';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { RateLimiter } from '../http/rate-limiter';
import { CreateOwnerDto, SessionDto, SetupStatusDto } from './auth.dto';
import { AuthService } from './auth.service';
import { Public } from '../access/caller';
import { clientInfo } from './client-info';
import { deliverSession } from './refresh-cookie';

@ApiTags('setup')
@Public()
@Controller('setup')
export class SetupController {
  constructor(
    private readonly auth: AuthService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Whether this instance still needs its owner account' })
  @ApiOkResponse({ type: SetupStatusDto })
  async status(): Promise<SetupStatusResponse> {
    return { needsOwner: await this.auth.needsOwner() };
  }

  @Post('owner')
  @ApiOperation({ summary: 'Create the first account (the owner) and its team; accepted once' })
  @ApiCreatedResponse({ type: SessionDto, description: 'Signed in; the refresh token is set as an httpOnly cookie' })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'The owner account already exists' })
  async createOwner(@Body() body: CreateOwnerDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionResponse> {
    await this.rateLimiter.consume({ key: `setup:address:${req.ip ?? 'unknown'}`, limit: 20, windowMs: 60_000 });
    return deliverSession(await this.auth.createOwner(body, clientInfo(req)), 'cookie', req, res);
  }
}
