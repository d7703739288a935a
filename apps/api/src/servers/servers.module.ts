import { Module } from '@nestjs/common';
import { TeamsModule } from '../teams/teams.module';
import { ContainerLogsLiveSubscriptions } from './container-logs-live-subscriptions';
import { ContainersController } from './containers.controller';
import { ServersController, SshKeysController } from './servers.controller';
import { ServerLiveSubscriptions } from './server-live-subscriptions';
import { ServersService } from './servers.service';
import { SshKeysService } from './ssh-keys.service';

@Module({
  imports: [TeamsModule],
  controllers: [SshKeysController, ServersController, ContainersController],
  // ServersService is shared with modules of server sub-resources (command runs), for `teamOf`.
  exports: [ServersService],
  providers: [SshKeysService, ServersService, ServerLiveSubscriptions, ContainerLogsLiveSubscriptions],
})
export class ServersModule {}
