import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ErrorCode } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { IS_PUBLIC } from '../access/caller';

/** Global guard: every route needs a valid bearer token unless marked `@Public()`. */
@Injectable()
export class BearerAuthGuard extends AuthGuard('bearer') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic || context.getType() !== 'http') return true;
    return super.canActivate(context);
  }

  override handleRequest<T>(error: unknown, caller: T): T {
    if (error) throw error;
    // No header, or a malformed one: passport reports no user and no error.
    if (!caller) throw new AppException(ErrorCode.Unauthorized, 'Sign in, or send an access token as `Authorization: Bearer …`');
    return caller;
  }
}
