import { Module } from '@nestjs/common';
import { RateLimitModule } from '../http/rate-limit.module';
import { AccessChanges } from './access-changes';
import { AccessTokensService } from './access-tokens.service';
import { BearerAuthenticator } from './bearer-authenticator.service';
import { InstanceOperatorsService } from './instance-operators.service';
import { TeamAccessService } from './team-access.service';

/**
 * The ground floor of the API's tenancy: who the caller is (bearer credentials to a `Caller`, for
 * HTTP and live sockets alike), the one gate in front of team-owned resources, and the broadcast of
 * access changes. Feature modules import it; it imports no feature folder.
 */
@Module({
  imports: [RateLimitModule],
  providers: [TeamAccessService, InstanceOperatorsService, AccessChanges, AccessTokensService, BearerAuthenticator],
  exports: [TeamAccessService, InstanceOperatorsService, AccessChanges, AccessTokensService, BearerAuthenticator],
})
export class AccessModule {}
