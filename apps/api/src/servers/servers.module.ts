import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ServersController, SshKeysController } from './servers.controller';
import { ServerLiveSubscriptions } from './server-live-subscriptions';
import { ServersService } from './servers.service';
import { SshKeysService } from './ssh-keys.service';

@Module({
  imports: [AccessModule],
  controllers: [SshKeysController, ServersController],
  // ServersService is shared with modules of server sub-resources (metrics, containers, command runs), for `teamOf`.
  exports: [ServersService],
  providers: [SshKeysService, ServersService, ServerLiveSubscriptions],
})
export class ServersModule {}
