import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensService } from './api-tokens.service';

/** Creating, listing and revoking API tokens; authenticating one is the access layer's (BearerAuthenticator). */
@Module({
  imports: [AccessModule],
  controllers: [ApiTokensController],
  providers: [ApiTokensService],
})
export class ApiTokensModule {}
