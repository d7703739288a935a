import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { DatabasesModule } from '../databases/databases.module';
import { BackupDestinationsController } from './backup-destinations.controller';
import { BackupDestinationsService } from './backup-destinations.service';
import { BackupLiveSubscriptions } from './backup-live-subscriptions';
import { BackupSchedulesController } from './backup-schedules.controller';
import { BackupSchedulesService } from './backup-schedules.service';
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
  controllers: [
    BackupDestinationsController,
    BackupSchedulesController,
    BackupsController,
    DatabaseBackupsController,
    VolumeBackupsController,
    RestoresController,
  ],
  providers: [BackupDestinationsService, BackupSchedulesService, BackupsService, BackupTransfersService, BackupLiveSubscriptions],
  // The instance's schedules and downloads (System) go through the same services.
  exports: [BackupSchedulesService, BackupTransfersService],
})
export class BackupsModule {}
