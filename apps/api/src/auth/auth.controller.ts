import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorCode, type PasswordResetRequestedResponse, type SessionResponse } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import type { Request, Response } from 'express';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { RateLimiter } from '../http/rate-limiter';
import { LoginDto, PasswordResetConfirmDto, PasswordResetDto, PasswordResetRequestedDto, RefreshDto, SessionDto } from './auth.dto';
import { PasswordResetService } from './password-reset.service';
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
    private readonly passwordReset: PasswordResetService,
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

  @Post('password-reset')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Ask for a password reset link by email',
    description:
      'Always 202 with the same body, whether or not an account has the address (no account enumeration). The link is emailed only for an existing account, and only when the instance has SMTP settings and a public URL; it works once, for PASSWORD_RESET_TTL_MINUTES (30).',
  })
  @ApiAcceptedResponse({ type: PasswordResetRequestedDto })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: '`email` is not an email address' })
  @ApiTooManyRequestsResponse({ type: ProblemResponseDto, description: 'Too many requests from this address or for this email; see Retry-After' })
  async requestPasswordReset(@Body() body: PasswordResetDto, @Req() req: Request): Promise<PasswordResetRequestedResponse> {
    await this.passwordReset.request(body.email, clientInfo(req).ip);
    return { message: this.passwordReset.answer };
  }

  @Post('password-reset/confirm')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Set a new password with the token of an emailed reset link; every session of the account ends (two-factor stays on)',
  })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: '`token` unknown, used or expired; or `password` not acceptable' })
  @ApiTooManyRequestsResponse({ type: ProblemResponseDto, description: 'Too many attempts from this address; see Retry-After' })
  async confirmPasswordReset(@Body() body: PasswordResetConfirmDto, @Req() req: Request): Promise<void> {
    await this.passwordReset.confirm(body.token, body.password, clientInfo(req).ip);
  }
}
