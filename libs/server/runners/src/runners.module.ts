import { Module } from '@nestjs/common';
import { ContainerLogsFollowHandler } from './servers/container-logs-follow.handler';
import { CommandRunsReaperHandler } from './servers/command-runs-reaper.handler';
import { ServerCommandHandler } from './servers/server-command.handler';
import { ServerContainersHandler } from './servers/server-containers.handler';
import { ServerTargets } from './servers/server-targets';
import { ServerValidationHandler } from './servers/server-validation.handler';
import { WorkerSshPool } from './servers/ssh-pool.provider';
import { SystemProbeHandler } from './system/system-probe.handler';
import { WebhookDeliveriesPruneHandler } from './webhooks/webhook-deliveries-prune.handler';
import { MetricsRetentionHandler } from './servers/metrics-retention.handler';
import { ServerAlerts } from './servers/server-alerts';
import { ServerCheckHandler } from './servers/server-check.handler';
import { ServerChecksTickHandler } from './servers/server-checks-tick.handler';
import { ServerLiveEvents } from './servers/server-live-events';
import { ServerSamplers } from './servers/server-samplers';
import { BuildSlots } from './deployment/build-slots';
import { DeploymentEvents } from './deployment/deployment-events';
import { DeploymentRunHandler } from './deployment/deployment-run.handler';
import { ApplicationCleanupHandler } from './deployment/application-cleanup.handler';
import { DeploymentsReaperHandler } from './deployment/deployments-reaper.handler';
import { ServerProxies } from './proxy/server-proxies';
import { ServerProxySyncHandler } from './proxy/server-proxy-sync.handler';

/** Server checks, metrics and alerts. */
const CHECKS = [ServerLiveEvents, ServerSamplers, ServerAlerts, ServerChecksTickHandler, ServerCheckHandler, MetricsRetentionHandler];

/** Deployments: the run, its slots and events, the reaper and cleanup (docs/architecture.md "Deployment pipeline"). */
const DEPLOYMENTS = [BuildSlots, DeploymentEvents, DeploymentRunHandler, DeploymentsReaperHandler, ApplicationCleanupHandler];

/** Each server's proxy (docs/architecture.md "Proxy"). */
const PROXY = [ServerProxies, ServerProxySyncHandler];

/** Provider webhooks: the delivery log's pruning. */
const WEBHOOKS = [WebhookDeliveriesPruneHandler];

/** Every job handler; the worker discovers them by their `@HandlesJob` metadata. */
@Module({
  providers: [
    WorkerSshPool,
    ServerTargets,
    SystemProbeHandler,
    ServerValidationHandler,
    ServerContainersHandler,
    ServerCommandHandler,
    CommandRunsReaperHandler,
    ContainerLogsFollowHandler,
    ...CHECKS,
    ...DEPLOYMENTS,
    ...PROXY,
    ...WEBHOOKS,
  ],
})
export class RunnersModule {}
