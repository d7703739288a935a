import { randomBytes } from 'node:crypto';
import { JOB_QUEUE, JobName, QueueName } from '@zpanel/contracts';
import { type AppConfig, SecretBox } from '@zpanel/core';
import {
  InstanceRepository,
  NotificationChannelsRepository,
  NotificationDeliveriesRepository,
  NotificationEventsRepository,
  TeamMembersRepository,
  TeamsRepository,
} from '@zpanel/database';
import { type JobContext, JobProducer, bullConnection } from '@zpanel/queue';
import type { ChannelSender, Mailer } from '@zpanel/remote';
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { type WorkerStores, openWorkerStores } from '../worker-stores.testing';
import { MailSendHandler } from './mail-send.handler';
import { NotificationDeliverHandler } from './notification-deliver.handler';
import { NotificationTestHandler } from './notification-test.handler';
import { NotificationsFanoutHandler } from './notifications-fanout.handler';
import { NotificationsReaperHandler } from './notifications-reaper.handler';
import { Notifier } from './notifier';
import { PublicUrlCache } from './public-url-cache';

/** The notification handlers as the worker's module builds them, over a test's stores. */
export interface NotificationHandlers {
  notifier: Notifier;
  fanout: NotificationsFanoutHandler;
  deliver: NotificationDeliverHandler;
  test: NotificationTestHandler;
  reaper: NotificationsReaperHandler;
  mail: MailSendHandler;
}

/**
 * A notifications worker inside the test process: the run's Postgres, a Redis key prefix of its own
 * (so no other spec's worker takes its jobs), the production handlers over the given sender and
 * mailer, and a BullMQ worker consuming the notifications queue as the worker process does.
 */
export interface NotificationsWorld extends NotificationHandlers {
  config: AppConfig;
  box: SecretBox;
  stores: Omit<WorkerStores, 'close'>;
  producer: JobProducer;
  queue: Queue;
  /** Starts consuming (not started by `openNotificationsWorld`, so a test can queue first). */
  startConsuming(): void;
  /** Stops consuming; jobs still queued stay in Redis. */
  stopConsuming(): Promise<void>;
  close(): Promise<void>;
}

/** The handlers over `dataSource`, the sender and mailer, and a producer. */
export function notificationHandlers(
  dataSource: DataSource,
  deps: {
    config: AppConfig;
    box: SecretBox;
    producer: JobProducer;
    live: WorkerStores['live'];
    sender: ChannelSender;
    mailer: Mailer;
    logger: Logger;
  },
): NotificationHandlers {
  const m = dataSource.manager;
  const { config, box, producer, live, sender, mailer, logger } = deps;
  const events = new NotificationEventsRepository(m);
  const channels = new NotificationChannelsRepository(m);
  const deliveries = new NotificationDeliveriesRepository(m);
  const instance = new InstanceRepository(m);
  const publicUrls = new PublicUrlCache(instance);
  const teams = new TeamsRepository(m);
  const notifier = new Notifier(events, producer, logger);
  return {
    notifier,
    fanout: new NotificationsFanoutHandler(
      dataSource,
      events,
      channels,
      deliveries,
      new TeamMembersRepository(m),
      publicUrls,
      producer,
      live,
      config,
      logger,
    ),
    deliver: new NotificationDeliverHandler(
      dataSource,
      deliveries,
      channels,
      events,
      teams,
      publicUrls,
      box,
      producer,
      notifier,
      sender,
      config,
      logger,
    ),
    test: new NotificationTestHandler(teams, publicUrls, box, sender, config, logger),
    reaper: new NotificationsReaperHandler(events, deliveries, producer, config, logger),
    mail: new MailSendHandler(instance, box, mailer, config, logger),
  };
}

/** Opens the world under `name`; `config` is the test's (its network policy, its periods), given a Redis prefix of its own. */
export async function openNotificationsWorld(
  base: AppConfig,
  name: string,
  deps: { sender: ChannelSender; mailer: Mailer; logger: Logger },
): Promise<NotificationsWorld> {
  const config: AppConfig = { ...base, redis: { ...base.redis, prefix: `${base.redis.prefix}-${name}-${randomBytes(3).toString('hex')}` } };
  const { close: closeStores, ...stores } = await openWorkerStores(config, name);
  const box = new SecretBox(config.security.secretKey);
  const queue = new Queue(QueueName.Notifications, bullConnection(config));
  const producer = {
    queue: (queueName: QueueName) => {
      if (queueName !== QueueName.Notifications) throw new Error(`only the notifications queue is open here, not ${queueName}`);
      return queue;
    },
    enqueue: async (jobName: JobName, payload: unknown, options: object = {}) => {
      if (JOB_QUEUE[jobName] !== QueueName.Notifications) throw new Error(`${jobName} does not go to the notifications queue`);
      return (await queue.add(jobName, payload, options)).id as string;
    },
  } as unknown as JobProducer;
  const handlers = notificationHandlers(stores.dataSource, { config, box, producer, live: stores.live, ...deps });
  const byName = new Map<string, { handle(payload: never, context: JobContext): Promise<unknown> }>([
    [JobName.NotificationsFanout, handlers.fanout],
    [JobName.NotificationDeliver, handlers.deliver],
    [JobName.NotificationTest, handlers.test],
    [JobName.MailSend, handlers.mail],
  ]);
  let worker: Worker | undefined;
  const controller = new AbortController();
  const world: NotificationsWorld = {
    ...handlers,
    config,
    box,
    stores,
    producer,
    queue,
    startConsuming() {
      worker ??= new Worker(
        QueueName.Notifications,
        async (job) => {
          const handler = byName.get(job.name);
          if (!handler) throw new Error(`no handler for ${job.name}`);
          return handler.handle(job.data as never, { jobId: job.id as string, attempt: job.attemptsMade + 1, signal: controller.signal });
        },
        { ...bullConnection(config), concurrency: 20 },
      );
      worker.on('error', () => undefined);
    },
    async stopConsuming() {
      await worker?.close();
      worker = undefined;
    },
    async close() {
      controller.abort();
      await world.stopConsuming();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await closeStores();
    },
  };
  return world;
}
