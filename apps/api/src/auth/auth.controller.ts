import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorCode, type SessionResponse } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import type { Request, Response } from 'express';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { RateLimiter } from '../http/rate-limiter';
import { LoginDto, RefreshDto, SessionDto } from './auth.dto';
import { AuthService } from './auth.service';
import { Public } from '../access/caller';
import { clientInfo } from './client-info';
import { clearRefreshCookie, deliverSession, refreshTokenFromCookie } from './refresh-cookie';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in with email and password (and a 2FA code when enabled)' })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ type: ProblemResponseDto, description: '`invalid_credentials`, or `two_factor_required` when a code is needed' })
  @ApiTooManyRequestsResponse({ type: ProblemResponseDto, description: 'Too many failed attempts; see Retry-After' })
  async login(@Body() body: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionResponse> {
    return deliverSession(await this.auth.login(body, clientInfo(req)), body.tokenDelivery ?? 'cookie', req, res);
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange the refresh token (cookie or body) for a new access token and refresh token' })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ type: ProblemResponseDto, description: '`session_expired`: spent, revoked or unknown token' })
  async refresh(@Body() body: RefreshDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionResponse> {
    await this.rateLimiter.consume({ key: `refresh:address:${req.ip ?? 'unknown'}`, limit: 120, windowMs: 60_000 });
    const fromBody = body.refreshToken;
    const token = fromBody ?? refreshTokenFromCookie(req);
    if (!token) throw new AppException(ErrorCode.SessionExpired, 'No session: sign in');
    return deliverSession(await this.auth.refresh(token, clientInfo(req)), fromBody ? 'body' : 'cookie', req, res);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End the session of the refresh token (cookie or body)' })
  @ApiNoContentResponse()
  async logout(@Body() body: RefreshDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const token = body.refreshToken ?? refreshTokenFromCookie(req);
    if (token) await this.auth.logout(token);
    clearRefreshCookie(req, res);
  }
}
