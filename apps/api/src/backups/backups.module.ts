import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { DatabasesModule } from '../databases/databases.module';
import { BackupLiveSubscriptions } from './backup-live-subscriptions';
import { BackupTransfersService } from './backup-transfers.service';
import { BackupsController, DatabaseBackupsController, VolumeBackupsController } from './backups.controller';
import { BackupsService } from './backups.service';
import { RestoresController } from './restores.controller';

/**
 * Backups and restores (docs/backups.md): destinations, schedules, backup runs and restores as rows;
 * the worker runs them. A restore into a new database goes through the databases' own create path.
 */
@Module({
  imports: [AccessModule, DatabasesModule],
  controllers: [BackupsController, DatabaseBackupsController, VolumeBackupsController, RestoresController],
  providers: [BackupsService, BackupTransfersService, BackupLiveSubscriptions],
})
export class BackupsModule {}
