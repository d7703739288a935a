import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { TEAM_HEADER } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The team a request acts in, from the `x-zpanel-team` header (for routes whose path names no team). */
export const TeamFromHeader = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const value = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[TEAM_HEADER];
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw AppException.validation([{ field: TEAM_HEADER, message: `the ${TEAM_HEADER} header must name the team (a UUID)` }]);
  }
  return value.toLowerCase();
});
