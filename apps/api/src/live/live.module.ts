import { Global, Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { SystemModule } from '../system/system.module';
import { EventsGateway } from './events.gateway';
import { LiveRegistry } from './live-registry';

/** The socket.io gateway and the registry feature modules add their live subscription kinds to. */
@Global()
@Module({
  imports: [AccessModule, SystemModule],
  providers: [LiveRegistry, EventsGateway],
  exports: [LiveRegistry],
})
export class LiveModule {}
