import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule, LoggerModule } from '@zpanel/core';
import { DatabaseModule } from '@zpanel/database';
import { QueueModule } from '@zpanel/queue';
import type { Logger } from 'pino';
import { ApiTokensModule } from './api-tokens/api-tokens.module';
import { ApplicationsModule } from './applications/applications.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { MailModule } from './mail/mail.module';
import { NotificationEventsModule } from './notifications/notification-events.module';
import { NotificationsModule } from './notifications/notifications.module';
import { BackupsModule } from './backups/backups.module';
import { CommandRunsModule } from './command-runs/command-runs.module';
import { ContainersModule } from './containers/containers.module';
import { DatabasesModule } from './databases/databases.module';
import { DeploymentsModule } from './deployments/deployments.module';
import { HealthModule } from './health/health.module';
import { PreviewsModule } from './previews/previews.module';
import { ServersModule } from './servers/servers.module';
import { LiveModule } from './live/live.module';
import { MetricsModule } from './metrics/metrics.module';
import { SystemModule } from './system/system.module';
import { TeamsModule } from './teams/teams.module';
import { TwoFactorModule } from './two-factor/two-factor.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { VolumesModule } from './volumes/volumes.module';

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
        AuditModule,
        NotificationEventsModule,
        MailModule,
        AuthModule,
        TwoFactorModule,
        HealthModule,
        SystemModule,
        LiveModule,
        TeamsModule,
        ApiTokensModule,
        ServersModule,
        VolumesModule,
        ContainersModule,
        MetricsModule,
        CommandRunsModule,
        ApplicationsModule,
        DeploymentsModule,
        PreviewsModule,
        DatabasesModule,
        BackupsModule,
        NotificationsModule,
        WebhooksModule,
      ],
    };
  }
}
