import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { InstanceModule } from '../instance/instance.module';
import { SystemController } from './system.controller';
import { SystemService } from './system.service';

@Module({
  imports: [HealthModule, InstanceModule],
  controllers: [SystemController],
  providers: [SystemService],
  exports: [SystemService],
})
export class SystemModule {}
