import { REFRESH_COOKIE, REFRESH_COOKIE_PATH } from '@zpanel/contracts';
import type { Request, Response } from 'express';
import type { IssuedSession } from './auth.service';

/** Only the auth routes ever receive the cookie; JavaScript never can; other sites never send it. */
function cookieOptions(req: Request) {
  return { httpOnly: true, sameSite: 'strict' as const, secure: req.secure, path: REFRESH_COOKIE_PATH };
}

export function refreshTokenFromCookie(req: Request): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[REFRESH_COOKIE];
  return typeof value === 'string' ? value : undefined;
}

/** Hands the refresh token to the client the way it asked for: httpOnly cookie (SPA) or body (API clients). */
export function deliverSession(session: IssuedSession, delivery: 'cookie' | 'body', req: Request, res: Response) {
  if (delivery === 'body') return { ...session.response, refreshToken: session.refresh.token };
  res.cookie(REFRESH_COOKIE, session.refresh.token, { ...cookieOptions(req), expires: session.refresh.expiresAt });
  return session.response;
}

export function clearRefreshCookie(req: Request, res: Response): void {
  res.clearCookie(REFRESH_COOKIE, cookieOptions(req));
}
