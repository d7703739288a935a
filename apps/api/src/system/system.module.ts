import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AuditModule } from '../audit/audit.module';
import { BackupsModule } from '../backups/backups.module';
import { HealthModule } from '../health/health.module';
import { InstanceModule } from '../instance/instance.module';
import { InstanceSettingsController } from './instance-settings.controller';
import { InstanceSettingsService } from './instance-settings.service';
import { SystemBackupSchedulesController } from './system-backup-schedules.controller';
import { SystemBackupsController } from './system-backups.controller';
import { SystemBackupsService } from './system-backups.service';
import { SystemController } from './system.controller';
import { SystemService } from './system.service';

@Module({
  imports: [AccessModule, AuditModule, BackupsModule, HealthModule, InstanceModule],
  // Schedules first: SystemBackupsController's `:instanceBackupId` would take `schedules`.
  controllers: [SystemController, InstanceSettingsController, SystemBackupSchedulesController, SystemBackupsController],
  providers: [SystemService, SystemBackupsService, InstanceSettingsService],
  exports: [SystemService],
})
export class SystemModule {}
