import { Module } from '@nestjs/common';
import { SystemProbeHandler } from './system/system-probe.handler';

/** Every job handler; the worker discovers them by their `@HandlesJob` metadata. */
@Module({ providers: [SystemProbeHandler] })
export class RunnersModule {}
