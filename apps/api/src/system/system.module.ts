import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AuditModule } from '../audit/audit.module';
import { HealthModule } from '../health/health.module';
import { InstanceModule } from '../instance/instance.module';
import { SystemBackupsController } from './system-backups.controller';
import { SystemBackupsService } from './system-backups.service';
import { SystemController } from './system.controller';
import { SystemService } from './system.service';

@Module({
  imports: [AccessModule, AuditModule, HealthModule, InstanceModule],
  controllers: [SystemController, SystemBackupsController],
  providers: [SystemService, SystemBackupsService],
  exports: [SystemService],
})
export class SystemModule {}
