import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@zpanel/core';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';
import { REPOSITORIES } from './repositories';

@Module({})
export class DatabaseModule {
  static forRoot(applicationName: string): DynamicModule {
    const repositories = REPOSITORIES.map((Repository) => ({
      provide: Repository,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new Repository(dataSource.manager),
    }));
    return {
      module: DatabaseModule,
      // Repositories are the data access of every feature module, as the data source was.
      global: true,
      providers: repositories,
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
      exports: [TypeOrmModule, ...REPOSITORIES],
    };
  }
}
