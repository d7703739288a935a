import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ServersController, SshKeysController } from './servers.controller';
import { ServerLiveSubscriptions } from './server-live-subscriptions';
import { ServersService } from './servers.service';
import { SshKeysService } from './ssh-keys.service';

@Module({
  imports: [AccessModule],
  controllers: [SshKeysController, ServersController],
  providers: [SshKeysService, ServersService, ServerLiveSubscriptions],
})
export class ServersModule {}
