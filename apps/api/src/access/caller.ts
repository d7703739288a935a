import { type ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import { type Ability, ErrorCode } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';

/** A signed-in person. */
export interface UserCaller {
  kind: 'user';
  userId: string;
  /** Refresh-token family of the login this access token came from. */
  sessionId: string;
}

/** An API token: acts for its creator, in one team, with at most the abilities it was given. */
export interface TokenCaller {
  kind: 'token';
  tokenId: string;
  teamId: string;
  /** The token's creator. */
  userId: string;
  /** The token's abilities, already cut down to what the creator's current role allows. */
  abilities: Ability[];
}

export type Caller = UserCaller | TokenCaller;

export const IS_PUBLIC = 'zpanel:public';
/** Marks a route that needs no authentication (health, setup, login). Everything else does. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

function callerOf(context: ExecutionContext): Caller {
  const caller = context.switchToHttp().getRequest<{ user?: Caller }>().user;
  if (!caller) throw new AppException(ErrorCode.Unauthorized);
  return caller;
}

/** The authenticated caller of this request, person or token (set by the global bearer guard). */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => callerOf(context));

/** For routes about a person's own account (profile, password, 2FA, their teams): tokens are refused. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): UserCaller => {
  const caller = callerOf(context);
  if (caller.kind !== 'user') throw new AppException(ErrorCode.Forbidden, 'This endpoint is for signed-in people, not API tokens');
  return caller;
});
