import { type DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { QueueName } from '@zpanel/contracts';
import { APP_CONFIG, type AppConfig } from '@zpanel/core';
import { QUEUE_EVENTS_MAX_LEN, bullConnection } from './bull-connection';
import { BytePipes } from './byte-pipes';
import { JobProducer } from './job-producer';
import { LiveLeases } from './live-leases';
import { LiveStreams } from './live-streams';
import { LiveSubscriber } from './live-subscriber';
import { RedisModule } from './redis.module';
import { WorkerRegistry } from './worker-registry';

@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      imports: [
        RedisModule,
        BullModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => bullConnection(config) }),
        BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name, streams: { events: { maxLen: QUEUE_EVENTS_MAX_LEN } } }))),
      ],
      providers: [JobProducer, WorkerRegistry, LiveStreams, LiveSubscriber, LiveLeases, BytePipes],
      exports: [JobProducer, WorkerRegistry, LiveStreams, LiveSubscriber, LiveLeases, BytePipes, RedisModule, BullModule],
    };
  }
}
