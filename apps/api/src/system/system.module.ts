import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { HealthModule } from '../health/health.module';
import { InstanceModule } from '../instance/instance.module';
import { SystemBackupsController } from './system-backups.controller';
import { SystemController } from './system.controller';
import { SystemService } from './system.service';

@Module({
  imports: [AccessModule, HealthModule, InstanceModule],
  controllers: [SystemController, SystemBackupsController],
  providers: [SystemService],
  exports: [SystemService],
})
export class SystemModule {}
