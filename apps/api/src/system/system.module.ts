import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { HealthModule } from '../health/health.module';
import { InstanceService } from '../instance/instance.service';
import { SystemController } from './system.controller';
import { SystemService } from './system.service';

@Module({
  imports: [HealthModule, AuthModule],
  controllers: [SystemController],
  providers: [SystemService, InstanceService],
  exports: [SystemService],
})
export class SystemModule {}
