import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CommandRunLiveSubscriptions } from './command-run-live-subscriptions';
import { CommandRunsController } from './command-runs.controller';
import { CommandRunsService } from './command-runs.service';

/** Commands admins run on servers (ChatOps); the worker runs them. */
@Module({
  imports: [AccessModule],
  controllers: [CommandRunsController],
  providers: [CommandRunsService, CommandRunLiveSubscriptions],
})
export class CommandRunsModule {}
