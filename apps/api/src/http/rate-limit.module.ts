import { Module } from '@nestjs/common';
import { RateLimiter } from './rate-limiter';

/**
 * Request limits (429 with Retry-After, see problem-details.filter). Part of the HTTP plumbing under
 * every feature, so the access layer can limit API tokens as it authenticates them.
 */
@Module({ providers: [RateLimiter], exports: [RateLimiter] })
export class RateLimitModule {}
