import { Module } from '@nestjs/common';
import { ContainerLogsFollowHandler } from './servers/container-logs-follow.handler';
import { CommandRunsReaperHandler } from './servers/command-runs-reaper.handler';
import { ServerCommandHandler } from './servers/server-command.handler';
import { ServerContainersHandler } from './servers/server-containers.handler';
import { ServerTargets } from './servers/server-targets';
import { ServerValidationHandler } from './servers/server-validation.handler';
import { WorkerSshPool } from './servers/ssh-pool.provider';
import { SystemProbeHandler } from './system/system-probe.handler';

/** Every job handler; the worker discovers them by their `@HandlesJob` metadata. */
@Module({ providers: [WorkerSshPool, ServerTargets, SystemProbeHandler, ServerValidationHandler, ServerContainersHandler, ServerCommandHandler, CommandRunsReaperHandler, ContainerLogsFollowHandler] })
export class RunnersModule {}
