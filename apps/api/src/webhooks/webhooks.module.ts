import { Module } from '@nestjs/common';
import { RateLimitModule } from '../http/rate-limit.module';
import { DeploymentsModule } from '../deployments/deployments.module';
import { PreviewsModule } from '../previews/previews.module';
import { AccessModule } from '../access/access.module';
import { ApplicationWebhookController, WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Provider webhooks: per-application secrets, the public receiving endpoints and the delivery log. */
@Module({
  imports: [AccessModule, RateLimitModule, DeploymentsModule, PreviewsModule],
  controllers: [ApplicationWebhookController, WebhooksController],
  providers: [WebhooksService],
})
export class WebhooksModule {}
