import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { HealthModule } from '../health/health.module';
import { InstanceService } from '../instance/instance.service';
import { EventsGateway } from './events.gateway';
import { SystemController } from './system.controller';
import { SystemService } from './system.service';

@Module({
  imports: [HealthModule, AuthModule],
  controllers: [SystemController],
  providers: [SystemService, InstanceService, EventsGateway],
})
export class SystemModule {}
