import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DeploymentsModule } from '../deployments/deployments.module';
import { PreviewsModule } from '../previews/previews.module';
import { TeamsModule } from '../teams/teams.module';
import { ApplicationWebhookController, WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Provider webhooks: per-application secrets, the public receiving endpoints and the delivery log. */
@Module({
  imports: [AuthModule, TeamsModule, DeploymentsModule, PreviewsModule],
  controllers: [ApplicationWebhookController, WebhooksController],
  providers: [WebhooksService],
})
export class WebhooksModule {}
