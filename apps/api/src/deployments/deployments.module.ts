import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { DeploymentLogsLiveSubscriptions } from './deployment-logs-live-subscriptions';
import { ApplicationDeploymentsController, DeploymentsController } from './deployments.controller';
import { DeploymentsService } from './deployments.service';

/** Deployments of applications: the API queues them, the worker runs them. */
@Module({
  imports: [AccessModule],
  controllers: [ApplicationDeploymentsController, DeploymentsController],
  providers: [DeploymentsService, DeploymentLogsLiveSubscriptions],
  // Webhooks start deployments through the same method as the UI and the API.
  exports: [DeploymentsService],
})
export class DeploymentsModule {}
