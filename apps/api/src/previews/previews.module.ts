import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { PreviewEnvController } from '../applications/env-vars.controller';
import { DeploymentsModule } from '../deployments/deployments.module';
import { AccessModule } from '../access/access.module';
import { PreviewsController } from './previews.controller';
import { PreviewsService } from './previews.service';

/** Preview deployments of pull requests: created and removed by webhooks, listed and removed by people. */
@Module({
  imports: [AccessModule, ApplicationsModule, DeploymentsModule],
  controllers: [PreviewsController, PreviewEnvController],
  providers: [PreviewsService],
  exports: [PreviewsService],
})
export class PreviewsModule {}
