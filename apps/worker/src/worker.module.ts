import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { type AppConfig, ConfigModule, LoggerModule } from '@zpanel/core';
import { DatabaseModule } from '@zpanel/database';
import { QueueModule } from '@zpanel/queue';
import { RunnersModule } from '@zpanel/runners';
import type { Logger } from 'pino';
import { JobDispatcher } from './job-dispatcher';
import { WorkerHeartbeat } from './worker-heartbeat';
import { WorkerIdentityModule } from './worker-identity';

@Module({})
export class WorkerModule {
  /** `handlers` replaces the real runners in tests that exercise the dispatcher itself. */
  static forRoot(config: AppConfig, logger: Logger, workerId: string, handlers: DynamicModule | typeof RunnersModule = RunnersModule): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(logger),
        WorkerIdentityModule.forRoot(workerId),
        DatabaseModule.forRoot('zpanel-worker'),
        QueueModule.forRoot(),
        DiscoveryModule,
        handlers,
      ],
      providers: [JobDispatcher, WorkerHeartbeat],
    };
  }
}
