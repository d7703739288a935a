import { Module } from '@nestjs/common';
import { CommandRunsReaperHandler } from './command-runs/command-runs-reaper.handler';
import { ServerCommandHandler } from './command-runs/server-command.handler';
import { ContainerLogsFollowHandler } from './containers/container-logs-follow.handler';
import { ServerContainersHandler } from './containers/server-containers.handler';
import { MetricsRetentionHandler } from './metrics/metrics-retention.handler';
import { ServerAlerts } from './metrics/server-alerts';
import { ServerCheckHandler } from './metrics/server-check.handler';
import { ServerChecksTickHandler } from './metrics/server-checks-tick.handler';
import { ServerSamplers } from './metrics/server-samplers';
import { ServerLiveEvents } from './servers/server-live-events';
import { ServerTargets } from './servers/server-targets';
import { ServerValidationHandler } from './servers/server-validation.handler';
import { WorkerSshPool } from './servers/ssh-pool.provider';
import { SystemProbeHandler } from './system/system-probe.handler';
import { WebhookDeliveriesPruneHandler } from './webhooks/webhook-deliveries-prune.handler';
import { EventNotifications } from './notifications/event-notifications';
import { Notifier } from './notifications/notifier';
import { NOTIFICATION_SENDER_PROVIDERS } from './notifications/notification-senders.provider';
import { NotificationsFanoutHandler } from './notifications/notifications-fanout.handler';
import { NotificationDeliverHandler } from './notifications/notification-deliver.handler';
import { NotificationTestHandler } from './notifications/notification-test.handler';
import { NotificationsReaperHandler } from './notifications/notifications-reaper.handler';
import { MailSendHandler } from './notifications/mail-send.handler';
import { PublicUrlCache } from './notifications/public-url-cache';
import { BuildSlots } from './deployment/build-slots';
import { DeploymentEvents } from './deployment/deployment-events';
import { DeploymentRunHandler } from './deployment/deployment-run.handler';
import { ApplicationCleanupHandler } from './deployment/application-cleanup.handler';
import { DeploymentsReaperHandler } from './deployment/deployments-reaper.handler';
import { ServerProxies } from './proxy/server-proxies';
import { ServerProxySyncHandler } from './proxy/server-proxy-sync.handler';
import { DatabaseOperationHandler } from './databases/database-operation.handler';
import { DatabaseHealthCheck } from './databases/database-health-check';
import { DatabaseOperationsReaperHandler } from './databases/database-operations-reaper.handler';
import { ServerVolumesHandler } from './volumes/server-volumes.handler';
import { BackupRunHandler } from './backups/backup-run.handler';
import { RestoreRunHandler } from './backups/restore-run.handler';
import { BackupsReaperHandler } from './backups/backups-reaper.handler';
import { BackupSchedulesTickHandler } from './backups/backup-schedules-tick.handler';
import { BackupDestinationCheckHandler } from './backups/backup-destination-check.handler';
import { DestinationStores } from './backups/destination-stores';
import { BackupParts } from './backups/backup-parts';
import { BackupResources } from './backups/backup-resources';
import { BackupFollowUps } from './backups/backup-follow-ups';
import { BackupObjectHandler, BackupTransferHandler } from './backups/backup-transfer.handler';

/** Servers: the SSH pool every handler reaches them through, their targets, validation and live events. */
const SERVERS = [WorkerSshPool, ServerTargets, ServerLiveEvents, ServerValidationHandler];

/** Server checks, metrics and alerts. */
const METRICS = [ServerSamplers, ServerAlerts, ServerChecksTickHandler, ServerCheckHandler, MetricsRetentionHandler];

/** Containers on a server: operations and log follows. */
const CONTAINERS = [ServerContainersHandler, ContainerLogsFollowHandler];

/** Applications' named volumes on a server: sizes, orphans, removal (docs/volumes.md). */
const VOLUMES = [ServerVolumesHandler];

/** Commands run on servers (ChatOps) and their reaper. */
const COMMAND_RUNS = [ServerCommandHandler, CommandRunsReaperHandler];

/** Deployments: the run, its slots and events, the reaper and cleanup (docs/architecture.md "Deployment pipeline"). */
const DEPLOYMENTS = [BuildSlots, DeploymentEvents, DeploymentRunHandler, DeploymentsReaperHandler, ApplicationCleanupHandler];

/** Each server's proxy (docs/architecture.md "Proxy"). */
const PROXY = [ServerProxies, ServerProxySyncHandler];

/** One-click databases: their operations and the reaper (docs/databases.md "Operations"). */
const DATABASES = [DatabaseOperationHandler, DatabaseOperationsReaperHandler, DatabaseHealthCheck];

/** Backups and restores: runs, schedules, the reaper (docs/backups.md). */
const BACKUPS = [
  BackupParts,
  BackupResources,
  BackupFollowUps,
  BackupRunHandler,
  RestoreRunHandler,
  BackupsReaperHandler,
  BackupSchedulesTickHandler,
  DestinationStores,
  BackupDestinationCheckHandler,
  // What the API asks of stored objects: presigned URLs, removal, uploads and downloads through a byte pipe.
  BackupObjectHandler,
  BackupTransferHandler,
];

/** Notifications (docs/notifications.md): what records events, the senders, the fan-out, deliveries, tests, their reaper, instance email. */
const NOTIFICATIONS = [
  Notifier,
  EventNotifications,
  PublicUrlCache,
  ...NOTIFICATION_SENDER_PROVIDERS,
  NotificationsFanoutHandler,
  NotificationDeliverHandler,
  NotificationTestHandler,
  NotificationsReaperHandler,
  MailSendHandler,
];

/** Provider webhooks: the delivery log's pruning. */
const WEBHOOKS = [WebhookDeliveriesPruneHandler];

/** Every job handler; the worker discovers them by their `@HandlesJob` metadata. */
@Module({
  providers: [
    SystemProbeHandler,
    ...SERVERS,
    ...METRICS,
    ...CONTAINERS,
    ...VOLUMES,
    ...COMMAND_RUNS,
    ...DEPLOYMENTS,
    ...PROXY,
    ...DATABASES,
    ...WEBHOOKS,
    ...BACKUPS,
    ...NOTIFICATIONS,
  ],
})
export class RunnersModule {}
