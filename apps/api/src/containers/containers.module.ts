import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ContainerLogsLiveSubscriptions } from './container-logs-live-subscriptions';
import { ContainersController } from './containers.controller';

/** Containers on servers, through the worker: operations and live log follows. */
@Module({
  imports: [AccessModule],
  controllers: [ContainersController],
  providers: [ContainerLogsLiveSubscriptions],
})
export class ContainersModule {}
