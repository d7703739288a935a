import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AlertRulesService } from './alert-rules.service';
import { ServerMonitoringController, TeamAlertsController } from './metrics.controller';
import { ServerMetricsService } from './server-metrics.service';

/** Servers' samples, alert rules and alerts; the worker checks the servers and writes them. */
@Module({
  imports: [AccessModule],
  controllers: [ServerMonitoringController, TeamAlertsController],
  providers: [ServerMetricsService, AlertRulesService],
})
export class MetricsModule {}
