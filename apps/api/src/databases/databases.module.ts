import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { DatabaseOperationLiveSubscriptions } from './database-operation-live-subscriptions';
import { DatabasesController } from './databases.controller';
import { DatabasesService } from './databases.service';

/** One-click databases: rows, credentials and queued operations; the worker runs the operations. */
@Module({
  imports: [AccessModule],
  controllers: [DatabasesController],
  providers: [DatabasesService, DatabaseOperationLiveSubscriptions],
  // Restoring a backup into a new database creates it through the same path (BackupsModule).
  exports: [DatabasesService],
})
export class DatabasesModule {}
