import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensService } from './api-tokens.service';

@Module({
  imports: [AccessModule, RateLimitModule],
  controllers: [ApiTokensController],
  providers: [ApiTokensService],
  exports: [ApiTokensService],
})
export class ApiTokensModule {}
