import { Global, Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ApiTokensModule } from '../api-tokens/api-tokens.module';
import { AuthModule } from '../auth/auth.module';
import { SystemModule } from '../system/system.module';
import { EventsGateway } from './events.gateway';
import { LiveRegistry } from './live-registry';

/** The socket.io gateway and the registry feature modules add their live subscription kinds to. */
@Global()
@Module({
  imports: [AccessModule, ApiTokensModule, AuthModule, SystemModule],
  providers: [LiveRegistry, EventsGateway],
  exports: [LiveRegistry],
})
export class LiveModule {}
