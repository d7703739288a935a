import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule, LoggerModule } from '@zpanel/core';
import { DatabaseModule } from '@zpanel/database';
import { QueueModule } from '@zpanel/queue';
import type { Logger } from 'pino';
import { HealthModule } from './health/health.module';
import { SystemModule } from './system/system.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(logger),
        DatabaseModule.forRoot('zpanel-api'),
        QueueModule.forRoot(),
        HealthModule,
        SystemModule,
      ],
    };
  }
}
