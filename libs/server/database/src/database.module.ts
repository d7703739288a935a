import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@zpanel/core';
import { buildDataSourceOptions } from './data-source-options';

@Module({})
export class DatabaseModule {
  static forRoot(applicationName: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...buildDataSourceOptions(config.database.url, applicationName),
            // Boot fails after ~10 s rather than hanging when Postgres is unreachable.
            retryAttempts: 3,
            retryDelay: 2_000,
          }),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
