import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AlertRulesService } from './alert-rules.service';
import { ContainerLogsLiveSubscriptions } from './container-logs-live-subscriptions';
import { ContainersController } from './containers.controller';
import { ServerMonitoringController, TeamAlertsController } from './metrics.controller';
import { ServerMetricsService } from './server-metrics.service';
import { ServersController, SshKeysController } from './servers.controller';
import { ServerLiveSubscriptions } from './server-live-subscriptions';
import { ServersService } from './servers.service';
import { SshKeysService } from './ssh-keys.service';

@Module({
  imports: [AccessModule],
  controllers: [SshKeysController, ServersController, ContainersController, ServerMonitoringController, TeamAlertsController],
  // ServersService is shared with modules of server sub-resources (command runs), for `teamOf`.
  exports: [ServersService],
  providers: [SshKeysService, ServersService, ServerLiveSubscriptions, ContainerLogsLiveSubscriptions, ServerMetricsService, AlertRulesService],
})
export class ServersModule {}
