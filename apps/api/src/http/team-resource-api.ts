import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { ProblemResponseDto } from './problem-response.dto';

/**
 * The Swagger header of a controller of team resources: its tag, bearer auth, the 403 of a role or
 * token without the route's ability, and the 404 that answers both a missing resource and another
 * team's (docs/security.md, tenancy), described as `notFound`.
 */
export function TeamResourceApi(tag: string, notFound: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    ApiNotFoundResponse({ type: ProblemResponseDto, description: notFound }),
    ApiForbiddenResponse({ type: ProblemResponseDto, description: 'The caller’s role (or API token) lacks the ability the route needs' }),
  );
}
