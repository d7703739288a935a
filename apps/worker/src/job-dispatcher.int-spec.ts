import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { JOB_QUEUE, JobName, type JobPayload, type JobResult, QueueName, REPEATING_JOBS } from '@zpanel/contracts';
import { createLogger, loadConfig, repeatingJobPeriods } from '@zpanel/core';
import { HandlerMapError, HandlesJob, type JobContext, type JobHandler, JobProducer, QUEUE_EVENTS_MAX_LEN, bullConnection } from '@zpanel/queue';
import { waitFor } from '@zpanel/testing';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { JobDispatcher } from './job-dispatcher';
import { WorkerModule } from './worker.module';

/** A stand-in handler whose duration the test controls, to catch jobs mid-flight. */
@Injectable()
@HandlesJob(JobName.SystemProbe)
class SlowProbeHandler implements JobHandler<JobName.SystemProbe> {
  static durationMs = 0;
  static started = 0;

  async handle(_payload: JobPayload<JobName.SystemProbe>, context: JobContext): Promise<JobResult<JobName.SystemProbe>> {
    SlowProbeHandler.started += 1;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, SlowProbeHandler.durationMs);
      context.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      });
    });
    return { workerId: 'slow', receivedAt: new Date().toISOString() };
  }
}

/** Every other job of the map needs a handler too, or the worker refuses to boot: these answer at once. */
function idleHandler<J extends JobName>(name: J, result: JobResult<J>): new () => JobHandler<J> {
  @Injectable()
  @HandlesJob(name)
  class IdleHandler implements JobHandler<J> {
    async handle(): Promise<JobResult<J>> {
      return result;
    }
  }
  return IdleHandler;
}

const IdleValidateHandler = idleHandler(JobName.ServerValidate, { status: 'pending' });
const IdleContainersHandler = idleHandler(JobName.ServerContainers, { ok: true });
const IdleVolumesHandler = idleHandler(JobName.ServerVolumes, { ok: true });
const IdleCommandHandler = idleHandler(JobName.ServerCommand, { ran: false });
const IdleCommandRunsReapHandler = idleHandler(JobName.CommandRunsReap, { failed: 0, requeued: 0 });
const IdleChecksTickHandler = idleHandler(JobName.ServerChecksTick, { queued: 0 });
const IdleCheckHandler = idleHandler(JobName.ServerCheck, { skipped: true });
const IdleDeploymentHandler = idleHandler(JobName.DeploymentRun, { ran: false });
const IdleDeploymentsReapHandler = idleHandler(JobName.DeploymentsReap, { failed: 0, requeued: 0 });
const IdleRetentionHandler = idleHandler(JobName.MetricsRetention, { downsampled: 0, deletedRaw: 0, deletedMinute: 0 });
const IdleProxySyncHandler = idleHandler(JobName.ServerProxySync, { skipped: 'server deleted' });
const IdleApplicationCleanupHandler = idleHandler(JobName.ApplicationCleanup, { skipped: true });
const IdleWebhookDeliveriesPruneHandler = idleHandler(JobName.WebhookDeliveriesPrune, { deleted: 0 });
const IdleDatabaseOperationHandler = idleHandler(JobName.DatabaseOperation, { ran: false });
const IdleDatabaseOperationsReapHandler = idleHandler(JobName.DatabaseOperationsReap, { failed: 0, requeued: 0 });
const IdleBackupRunHandler = idleHandler(JobName.BackupRun, { ran: false });
const IdleRestoreRunHandler = idleHandler(JobName.RestoreRun, { ran: false });
const IdleBackupsReapHandler = idleHandler(JobName.BackupsReap, { failed: 0, requeued: 0 });
const IdleBackupSchedulesTickHandler = idleHandler(JobName.BackupSchedulesTick, { queued: 0, missed: 0 });
const IdleBackupDestinationCheckHandler = idleHandler(JobName.BackupDestinationCheck, { ok: true, latencyMs: 0 });
const IdleBackupObjectHandler = idleHandler(JobName.BackupObject, { ok: true });
const IdleBackupTransferHandler = idleHandler(JobName.BackupTransfer, { ok: false, status: 503, message: 'idle' });
const IdleNotificationsFanoutHandler = idleHandler(JobName.NotificationsFanout, { skipped: 'missing' });
const IdleNotificationDeliverHandler = idleHandler(JobName.NotificationDeliver, { skipped: 'idle' });
const IdleNotificationTestHandler = idleHandler(JobName.NotificationTest, { ok: true, status: 200, error: null, latencyMs: 0 });
const IdleNotificationsReapHandler = idleHandler(JobName.NotificationsReap, { fannedOut: 0, requeued: 0, pruned: 0 });
const IdleMailSendHandler = idleHandler(JobName.MailSend, { sent: false, reason: 'idle' });

@Injectable()
@HandlesJob(JobName.ServerContainerLogsFollow)
class IdleLogsFollowHandler implements JobHandler<JobName.ServerContainerLogsFollow> {
  static started = 0;
  static abortedAt?: Date;

  /** Like a real follow: runs until told to stop. */
  async handle(_payload: JobPayload<JobName.ServerContainerLogsFollow>, context: JobContext): Promise<JobResult<JobName.ServerContainerLogsFollow>> {
    IdleLogsFollowHandler.started += 1;
    await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
    IdleLogsFollowHandler.abortedAt = new Date();
    return { reason: 'The worker stopped' };
  }
}

@Module({
  providers: [
    SlowProbeHandler,
    IdleValidateHandler,
    IdleContainersHandler,
    IdleVolumesHandler,
    IdleCommandHandler,
    IdleCommandRunsReapHandler,
    IdleLogsFollowHandler,
    IdleChecksTickHandler,
    IdleCheckHandler,
    IdleRetentionHandler,
    IdleDeploymentHandler,
    IdleDeploymentsReapHandler,
    IdleProxySyncHandler,
    IdleApplicationCleanupHandler,
    IdleWebhookDeliveriesPruneHandler,
    IdleDatabaseOperationHandler,
    IdleDatabaseOperationsReapHandler,
    IdleBackupRunHandler,
    IdleRestoreRunHandler,
    IdleBackupsReapHandler,
    IdleBackupSchedulesTickHandler,
    IdleBackupDestinationCheckHandler,
    IdleBackupObjectHandler,
    IdleBackupTransferHandler,
    IdleNotificationsFanoutHandler,
    IdleNotificationDeliverHandler,
    IdleNotificationTestHandler,
    IdleNotificationsReapHandler,
    IdleMailSendHandler,
  ],
})
class SlowHandlers {}

@Module({})
class NoHandlers {}

describe(JobDispatcher.name, () => {
  const logger = createLogger({ level: 'silent', name: 'test' });
  let queue: Queue;

  // Not the command runs reaper's default period: the schedulers must follow the configuration.
  const bootEnv = { ...process.env, COMMAND_RUNS_REAP_MS: '7000' };
  const boot = (graceMs: number, handlers: typeof SlowHandlers): Promise<INestApplicationContext> => {
    const config = loadConfig({ ...bootEnv, WORKER_SHUTDOWN_GRACE_MS: String(graceMs) });
    return NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger, `test-${graceMs}`, handlers), { logger: false });
  };

  beforeAll(() => {
    queue = new Queue(QueueName.System, bullConnection(loadConfig(process.env)));
  });
  afterAll(() => queue.close());
  beforeEach(async () => {
    await queue.obliterate({ force: true });
    SlowProbeHandler.started = 0;
  });

  describe('boot', () => {
    it('refuses to start when a job name has no handler', async () => {
      const config = loadConfig(process.env);
      const context = await Test.createTestingModule({ imports: [WorkerModule.forRoot(config, logger, 'test-boot', NoHandlers)] }).compile();
      try {
        await expect(context.init()).rejects.toBeInstanceOf(HandlerMapError);
      } finally {
        await context.close();
      }
    });

    it('upserts one scheduler per repeating job, with its period, however many workers boot', async () => {
      const repeating = Object.entries(repeatingJobPeriods(loadConfig(bootEnv))) as [JobName, { everyMs: number }][];
      expect(repeating.map(([name]) => name)).toEqual(Object.keys(REPEATING_JOBS));
      expect(repeating).toEqual(expect.arrayContaining([[JobName.CommandRunsReap, { everyMs: 7_000 }]]));
      const queues = new Map(
        [...new Set(repeating.map(([name]) => JOB_QUEUE[name]))].map((name) => [name, new Queue(name, bullConnection(loadConfig(process.env)))]),
      );
      const schedulers = async () => (await Promise.all([...queues.values()].map((q) => q.getJobSchedulers()))).flat();
      const [first, second] = await Promise.all([boot(1000, SlowHandlers), boot(1001, SlowHandlers)]);
      try {
        const found = await waitFor(
          async () => {
            const all = await schedulers();
            return repeating.every(([name]) => all.some((s) => s.key === name)) ? all : undefined;
          },
          10_000,
          'the repeating jobs to be scheduled',
        );
        for (const [name, { everyMs }] of repeating) {
          expect(found.filter((s) => s.key === name).map((s) => ({ name: s.name, every: Number(s.every) }))).toEqual([{ name, every: everyMs }]);
          // Finished runs are not kept: a tick every 5 s would otherwise hold a hundred job keys per queue.
          expect(found.find((s) => s.key === name)?.template?.opts).toMatchObject({ removeOnComplete: true });
        }
      } finally {
        await Promise.all([first.close(), second.close()]);
        for (const q of queues.values()) {
          for (const [name] of repeating) await q.removeJobScheduler(name);
          await q.close();
        }
      }
    });
  });

  describe('what stays in Redis', () => {
    it("keeps a queue's event stream under its bound however many jobs run", async () => {
      SlowProbeHandler.durationMs = 0;
      const config = loadConfig(process.env);
      const app = await boot(1000, SlowHandlers);
      const redis = new Redis(config.redis.url);
      try {
        const jobs = 1_500;
        // Through the worker's own queue registration, which sets the stream's bound.
        await app
          .get(JobProducer)
          .queue(QueueName.System)
          .addBulk(
            Array.from({ length: jobs }, () => ({
              name: JobName.SystemProbe,
              data: { requestedAt: new Date().toISOString() },
              opts: { removeOnComplete: true },
            })),
          );
        await waitFor(
          async () => (SlowProbeHandler.started >= jobs && (await queue.getJobCounts('wait', 'active')).wait === 0 ? true : undefined),
          60_000,
          'the jobs to run',
        );
        // Each job writes several events (added, waiting, active, completed): thousands without a bound.
        const length = await redis.xlen(`${config.redis.prefix}:${QueueName.System}:events`);
        expect(length).toBeGreaterThan(0);
        // Trimming is approximate (whole stream nodes of 100 entries).
        expect(length).toBeLessThanOrEqual(QUEUE_EVENTS_MAX_LEN + 200);
      } finally {
        redis.disconnect();
        await app.close();
      }
    });
  });

  describe('shutdown', () => {
    it('finishes an in-flight job before exiting', async () => {
      SlowProbeHandler.durationMs = 700;
      const app = await boot(10_000, SlowHandlers);
      const job = await queue.add(JobName.SystemProbe, { requestedAt: new Date().toISOString() });
      await waitFor(async () => (SlowProbeHandler.started > 0 ? true : undefined), 5_000, 'the job to start');
      await app.close();
      expect(await (await queue.getJob(job.id as string))?.getState()).toBe('completed');
    });

    it('tells endless jobs (log follows) to stop at once instead of waiting out the grace period', async () => {
      const streams = new Queue(QueueName.ServerStreams, bullConnection(loadConfig(process.env)));
      try {
        await streams.obliterate({ force: true });
        IdleLogsFollowHandler.started = 0;
        IdleLogsFollowHandler.abortedAt = undefined;
        // A grace period far longer than the test's own timeout: only an immediate abort lets close() return.
        const app = await boot(600_000, SlowHandlers);
        const job = await streams.add(JobName.ServerContainerLogsFollow, { serverId: 's', containerId: 'c', tail: 1, followId: 'f' });
        await waitFor(async () => (IdleLogsFollowHandler.started > 0 ? true : undefined), 5_000, 'the follow to start');
        const closing = new Date();
        await app.close();
        // Read through a widened type: TypeScript would keep the `undefined` assigned above.
        const abortedAt = IdleLogsFollowHandler.abortedAt as Date | undefined;
        expect(abortedAt?.getTime()).toBeGreaterThanOrEqual(closing.getTime());
        expect(await (await streams.getJob(job.id as string))?.getState()).toBe('completed');
      } finally {
        await streams.close();
      }
    });

    it('hands a job that outlives the grace period back to the queue instead of failing it', async () => {
      SlowProbeHandler.durationMs = 60_000;
      const app = await boot(200, SlowHandlers);
      const job = await queue.add(JobName.SystemProbe, { requestedAt: new Date().toISOString() }, { attempts: 1 });
      await waitFor(async () => (SlowProbeHandler.started > 0 ? true : undefined), 5_000, 'the job to start');
      await app.close();
      const state = await (await queue.getJob(job.id as string))?.getState();
      expect(state).toBe('waiting');

      // The next worker picks it up and completes it.
      SlowProbeHandler.durationMs = 10;
      const next = await boot(1000, SlowHandlers);
      try {
        await waitFor(async () => ((await queue.getJob(job.id as string))?.finishedOn ? true : undefined), 10_000, 'the job to finish');
        expect(await (await queue.getJob(job.id as string))?.getState()).toBe('completed');
      } finally {
        await next.close();
      }
    });
  });
});
